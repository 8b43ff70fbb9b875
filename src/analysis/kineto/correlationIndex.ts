/**
 * Which step each launch (a runtime call, by its correlation id) belongs to, kept small: correlation ids grow with
 * launch time and whole steps of launches share one step, so the map is a list of id runs (one per step, mostly)
 * plus one bit per id saying which ids a launch had. Ids out of order, or not plain integers, go to a Map.
 */
import { IdSet, isPlain } from './idSet';
import { Numbers } from './numbers';

/** Correlation id → slot (a step's index in the caller's list). */
export class CorrelationIndex {
  private readonly present = new IdSet();
  private readonly runLow = new Numbers();
  private readonly runHigh = new Numbers();
  private readonly runSlot = new Numbers();
  private readonly exceptions = new Map<number, number>();

  /** Maps `id` to `slot`; ids should come in increasing order (others cost a Map entry each). */
  set(id: number, slot: number): void {
    const n = this.runLow.length;
    if (!isPlain(id) || (n > 0 && id <= this.runHigh.data[n - 1]!)) {
      this.exceptions.set(id, slot);
      if (isPlain(id)) this.present.add(id);
      return;
    }
    this.present.add(id);
    if (n > 0 && this.runSlot.data[n - 1] === slot) this.runHigh.data[n - 1] = id;
    else {
      this.runLow.push(id);
      this.runHigh.push(id);
      this.runSlot.push(slot);
    }
  }

  /** The slot of `id`, or undefined when no launch with that id was set. */
  get(id: number): number | undefined {
    const exception = this.exceptions.get(id);
    if (exception !== undefined || !isPlain(id) || !this.present.has(id)) return exception;
    // The last run starting at or before `id`: a present id inside a run's span is that run's.
    const low = this.runLow.data;
    let lo = 0;
    let hi = this.runLow.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (low[mid]! <= id) lo = mid;
      else hi = mid - 1;
    }
    return this.runSlot.data[lo];
  }
}
