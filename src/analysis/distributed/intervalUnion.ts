import { Numbers } from '../kineto/numbers';
import { mergeRanges, type Ranges } from '../ranges';

/**
 * The union of intervals added one at a time, kept merged as they come: an interval that starts at or after the
 * last one either extends it (overlapping or touching, as HTA's `merge_kernel_intervals` groups them) or is
 * appended; one that starts earlier (another stream's kernel) is appended and the list is merged again when it has
 * doubled. Memory follows the number of disjoint intervals, not the number added.
 */
export class IntervalUnion {
  private pairs = new Numbers();
  private compactAt = 4096;
  private unsorted = false;

  /** Adds [start, end). */
  add(start: number, end: number): void {
    const n = this.pairs.length;
    if (n > 0 && !this.unsorted) {
      const data = this.pairs.data;
      if (start >= data[n - 2]!) {
        if (start <= data[n - 1]!) {
          if (end > data[n - 1]!) data[n - 1] = end;
          return;
        }
      } else this.unsorted = true;
    }
    this.pairs.push(start);
    this.pairs.push(end);
    if (this.unsorted && this.pairs.length >= this.compactAt) this.compact();
  }

  /** The union as sorted, disjoint [start, end) pairs. */
  ranges(): Ranges {
    if (this.unsorted) this.compact();
    return this.pairs.view();
  }

  private compact(): void {
    const merged = mergeRanges(this.pairs.view());
    const pairs = new Numbers();
    for (const value of merged) pairs.push(value);
    this.pairs = pairs;
    this.unsorted = false;
    this.compactAt = Math.max(4096, 2 * pairs.length);
  }
}
