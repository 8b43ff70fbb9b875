/**
 * Time intervals gathered while a trace streams, kept as their union: the step breakdown needs only each role's
 * union, so whenever the raw intervals pass a budget they are merged into it. The union of unions is the union
 * (touching intervals joined, as `mergeRanges` does), so the result is the same, bit for bit, however often and
 * wherever the stream is cut.
 */
import { mergeRanges, type Ranges } from '../ranges';
import { Numbers } from './numbers';

/** Raw intervals held before they are merged (pairs of numbers): about 16 MB per role at most. */
export const DEFAULT_BUDGET = 1 << 20;

/** One role's intervals: recent raw [start, end] pairs plus the union of everything before. */
export class IntervalUnion {
  private raw = new Numbers();
  private merged: Ranges = new Float64Array(0);

  /** @param budget raw intervals held before they are merged (at least 1). */
  constructor(private readonly budget = DEFAULT_BUDGET) {}

  push(start: number, end: number): void {
    this.raw.push(start);
    this.raw.push(end);
    // The budget grows with the union so that merging stays linear overall, however large the union becomes.
    if (this.raw.length >= 2 * Math.max(this.budget, this.merged.length)) this.compact();
  }

  /** Merges the raw intervals into the union. */
  compact(): void {
    if (this.raw.length === 0) return;
    this.merged = unionRanges(this.merged, mergeRanges(this.raw.view()));
    this.raw = new Numbers();
  }

  /** The union of every interval pushed. */
  ranges(): Ranges {
    this.compact();
    return this.merged;
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
