import type { Profile } from '../profile';
import { minOf } from '../../common/stats';
import { MAX_TIME_US } from '../finite';

/** Timestamps are nanoseconds here: the same bound as every trace time. */
const MAX_TIME_NS = MAX_TIME_US * 1000;

/** PyTorch's memory categories in the order `export_memory_timeline_raw` indexes them. */
export const TORCH_MEMORY_CATEGORIES = [
  'parameter',
  'optimizer_state',
  'input',
  'temporary',
  'activation',
  'gradient',
  'autograd_detail',
  'unknown',
] as const;

/**
 * Builds a {@link Profile} from PyTorch's raw memory timeline (`profiler.export_memory_timeline_raw`): rows of
 * `[timestamp ns, action, bytes, category]` where action 1 is memory that existed before profiling, 2 an
 * allocation, 3 a new version of a tensor (a −bytes and a +bytes row) and 4 a release, with signed bytes. The
 * allocated-bytes curve is the running sum; the report has its peak and what was live at the peak, by category. A
 * memory timeline has no step times: the whole timeline is one step, all `other`.
 */
export class MemoryTimelineBuilder {
  private readonly rows: Array<[number, number, number]> = [];
  private malformed = 0;

  add(row: unknown[]): void {
    const [ts, action, bytes, category] = row;
    // Finite and in range, or the running sum and the peak would become ±Infinity or NaN.
    if (
      typeof ts !== 'number' ||
      Math.abs(ts) > MAX_TIME_NS ||
      typeof action !== 'number' ||
      typeof bytes !== 'number' ||
      !(Math.abs(bytes) <= Number.MAX_SAFE_INTEGER) ||
      typeof category !== 'number' ||
      !Number.isFinite(category)
    ) {
      this.malformed++;
      return;
    }
    this.rows.push([ts, bytes, category]);
  }

  get recognized(): boolean {
    return this.rows.length > 0;
  }

  build(file: string, bytesRead: number): Profile {
    if (this.rows.length === 0)
      throw new Error('the memory timeline has no rows of [timestamp, action, bytes, category]');
    const timed = this.rows.filter((r) => r[0] >= 0);
    const first = timed.length ? minOf(timed.map((r) => r[0])) : 0;
    // Pre-existing memory (timestamp −1) counts from the first timestamp on.
    const rows = this.rows.map(([ts, bytes, category]) => [ts < 0 ? first : ts, bytes, category] as const);
    rows.sort((a, b) => a[0] - b[0]);
    const live = new Float64Array(TORCH_MEMORY_CATEGORIES.length);
    const tUs = new Float64Array(rows.length);
    const allocated = new Float64Array(rows.length);
    let total = 0;
    let peak = -Infinity;
    let atPeak = new Float64Array(live.length);
    rows.forEach(([ts, bytes, category], i) => {
      total += bytes;
      live[Math.min(Math.max(category, 0), live.length - 1)]! += bytes;
      tUs[i] = (ts - first) / 1000;
      allocated[i] = total;
      if (total > peak) {
        peak = total;
        atPeak = live.slice();
      }
    });
    const byCategoryAtPeak = Object.fromEntries(TORCH_MEMORY_CATEGORIES.map((name, i) => [name, atPeak[i]!]));
    const end = tUs.at(-1) ?? 0;
    return {
      source: 'chrome',
      file,
      devices: [],
      categories: ['other'],
      steps: [{ name: '0', startUs: 0, endUs: end, breakdown: { other: end } }],
      stepsNote: `a PyTorch memory timeline has no step times: only its memory is analysed (${this.rows.length.toLocaleString('en-US')} rows${this.malformed ? `, ${this.malformed} malformed rows skipped` : ''})`,
      kernels: [],
      operators: [],
      memory: { tUs, allocatedBytes: allocated, peakBytes: peak, byCategoryAtPeak },
      stats: { events: this.rows.length, bytes: bytesRead },
    };
  }
}
