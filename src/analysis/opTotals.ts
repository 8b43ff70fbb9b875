import type { OpAggregate } from './profile';

/** Running totals per operator or kernel name, turned into the profile's table (longest total first). */
export class OpTotals {
  private readonly totals = new Map<string, { calls: number; total: number; max: number }>();

  /** Counts one call of `name` lasting `durUs`. */
  add(name: string, durUs: number): void {
    const entry = this.totals.get(name);
    if (entry) {
      entry.calls++;
      entry.total += durUs;
      if (durUs > entry.max) entry.max = durUs;
    } else this.totals.set(name, { calls: 1, total: durUs, max: durUs });
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
