/**
 * Time intervals gathered while a trace streams, kept as their union: the step breakdown needs only each role's
 * union, so intervals in time order join it as they come and the others are merged into it past a budget. The union of unions is the union
 * (touching intervals joined, as `mergeRanges` does), so the result is the same, bit for bit, however often and
 * wherever the stream is cut.
 */
import { mergeRanges, subtractRanges, type Ranges } from '../ranges';
import { Numbers } from './numbers';

/** Raw intervals held before they are merged (pairs of numbers): about 1 MB per role, until the union is larger. */
export const DEFAULT_BUDGET = 1 << 16;

/**
 * One role's intervals as their union. An interval that starts at or after the union's last one (events mostly come
 * in time order) joins it in place; the others wait as raw pairs and are merged into the union's tail when they
 * pass the budget.
 */
export class IntervalUnion {
  private raw = new Numbers();
  private merged = new Numbers();

  /** @param budget raw intervals held before they are merged (at least 1). */
  constructor(private readonly budget = DEFAULT_BUDGET) {}

  push(start: number, end: number): void {
    const n = this.merged.length;
    const data = this.merged.data;
    if (n === 0 || start >= data[n - 2]!) {
      if (n > 0 && start <= data[n - 1]!) {
        if (end > data[n - 1]!) data[n - 1] = end;
      } else {
        this.merged.push(start);
        this.merged.push(end);
      }
      return;
    }
    this.raw.push(start);
    this.raw.push(end);
    if (this.raw.length >= 2 * this.budget) this.compact();
  }

  /** Merges the raw intervals into the union's tail (the part from the first range they can touch). */
  compact(): void {
    if (this.raw.length === 0) return;
    const incoming = mergeRanges(this.raw.view());
    this.raw = new Numbers();
    const data = this.merged.data;
    // The first range that ends at or after the earliest incoming start: the ones before it stay as they are.
    let lo = 0;
    let hi = this.merged.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (data[2 * mid + 1]! < incoming[0]!) lo = mid + 1;
      else hi = mid;
    }
    const tail = unionRanges(data.slice(2 * lo, this.merged.length), incoming);
    this.merged.length = 2 * lo;
    for (const value of tail) this.merged.push(value);
  }

  /**
   * Removes what `covered` (merged ranges) covers with positive length, joining what touches again. For a role
   * below the kernels in priority, the kernels' union can be taken out early: the step breakdown only ever
   * intersects the role with time no kernel runs in, and those pieces stay the same, bit for bit.
   */
  without(covered: Ranges): void {
    this.compact();
    if (covered.length === 0 || this.merged.length === 0) return;
    const kept = mergeRanges(subtractRanges(this.merged.view(), covered));
    const merged = new Numbers();
    for (const value of kept) merged.push(value);
    this.merged = merged;
  }

  /** Ranges held (pairs), raw and merged. */
  get size(): number {
    return (this.raw.length + this.merged.length) / 2;
  }

  /** The union of every interval pushed. */
  ranges(): Ranges {
    this.compact();
    return this.merged.view();
  }
}

/** The union of two sets of sorted, merged ranges, merged the same way (touching ranges joined). */
export function unionRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Float64Array(a.length + b.length);
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let start: number;
    let end: number;
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      start = a[i]!;
      end = a[i + 1]!;
      i += 2;
    } else {
      start = b[j]!;
      end = b[j + 1]!;
      j += 2;
    }
    if (n > 0 && start <= out[n - 1]!) {
      if (end > out[n - 1]!) out[n - 1] = end;
    } else {
      out[n++] = start;
      out[n++] = end;
    }
  }
  return out.slice(0, n);
}
