import type { OpAggregate } from './profile';

/**
 * Distinct names kept per table; past it, new names are counted together in one {@link OTHER_NAMES} row, so a
 * trace whose names never repeat (a step number in every `record_function` label) cannot grow the table without end.
 */
export const MAX_NAMES = 100_000;
/** The row that counts the calls of names beyond {@link MAX_NAMES}. */
export const OTHER_NAMES = '(other names)';

/** Running totals per operator or kernel name, turned into the profile's table (longest total first). */
export class OpTotals {
  private readonly totals = new Map<string, { calls: number; total: number; max: number }>();

  /** @param maxNames distinct names kept before the rest are counted as {@link OTHER_NAMES}. */
  constructor(private readonly maxNames = MAX_NAMES) {}

  /** Counts one call of `name` lasting `durUs`. */
  add(name: string, durUs: number): void {
    let entry = this.totals.get(name);
    if (!entry && this.totals.size >= this.maxNames) entry = this.totals.get(OTHER_NAMES);
    if (entry) {
      entry.calls++;
      entry.total += durUs;
      if (durUs > entry.max) entry.max = durUs;
    } else
      this.totals.set(this.totals.size >= this.maxNames ? OTHER_NAMES : name, { calls: 1, total: durUs, max: durUs });
  }

  /** Sum of all totals, µs. */
  get totalUs(): number {
    let sum = 0;
    for (const entry of this.totals.values()) sum += entry.total;
    return sum;
  }

  table(): OpAggregate[] {
    return [...this.totals.entries()]
      .map(([name, a]) => ({ name, calls: a.calls, totalUs: a.total, meanUs: a.total / a.calls, maxUs: a.max }))
      .sort((a, b) => b.totalUs - a.totalUs);
  }
}
