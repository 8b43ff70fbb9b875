/**
 * GPU metrics of a Kineto trace as the PyTorch profiler plugin computes them: GPU utilization and its timeline,
 * estimated SM efficiency and achieved occupancy.
 */
import type { Profile } from '../profile';
import { mergeRanges, windowSum, type Ranges } from '../ranges';

/**
 * GPU utilization: the union of the kernels' intervals over the analysed span (`spanStart` to `spanEnd`) divided by
 * its length, and its timeline over the trace's span (`timelineStart` to `timelineEnd`).
 */
export function gpuUtilizationOf(
  kernelStart: Float64Array,
  kernelEnd: Float64Array,
  spanStart: number,
  spanEnd: number,
  timelineStart: number,
  timelineEnd: number,
): Required<Pick<Profile, 'gpuUtilization' | 'gpuUtilizationTimeline'>> {
  const busy = mergeRanges(interleave(kernelStart, kernelEnd));
  return gpuUtilizationOfBusy(busy, spanStart, spanEnd, timelineStart, timelineEnd);
}

/** {@link gpuUtilizationOf} from the union of the kernels' intervals (merged ranges). */
export function gpuUtilizationOfBusy(
  busyRanges: Ranges,
  spanStart: number,
  spanEnd: number,
  timelineStart: number,
  timelineEnd: number,
): Required<Pick<Profile, 'gpuUtilization' | 'gpuUtilizationTimeline'>> {
  const busy = windowSum(busyRanges, spanStart, spanEnd);
  return {
    gpuUtilization: spanEnd > spanStart ? busy / (spanEnd - spanStart) : 0,
    gpuUtilizationTimeline: utilizationTimeline(busyRanges, timelineStart, timelineEnd),
  };
}

/**
 * GPU utilization over time, as the PyTorch profiler plugin draws it: the span cut into buckets of a power of ten
 * microseconds (the smallest giving at most 100 buckets; the last one takes the remainder), each bucket's share of
 * time with a kernel running.
 */
export function utilizationTimeline(
  busy: Float64Array,
  start: number,
  end: number,
): NonNullable<Profile['gpuUtilizationTimeline']> {
  const length = end - start;
  let bucketUs = 1;
  while (length / bucketUs > 100) bucketUs *= 10;
  const count = Math.max(1, Math.floor(length / bucketUs));
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const from = start + i * bucketUs;
    const to = i < count - 1 ? from + bucketUs : end;
    values.push(to > from ? windowSum(busy, from, to) / (to - from) : 0);
  }
  return { startUs: start, bucketUs, values };
}

/**
 * The PyTorch profiler plugin's estimated SM efficiency and achieved occupancy. A kernel with `blocks per SM` b keeps
 * about min(b, 1) of the SMs busy; overlapping kernels add up (capped at 1). The efficiency ranges cover every
 * kernel; the average weighs them by time over the analysed span (idle time counts as 0). Occupancy is the
 * kernels' `est. achieved occupancy %`, weighted by their time inside the span.
 */
export function smMetricsOf(
  blocks: Float64Array,
  occupancy: Float64Array,
  spanStart: number,
  spanEnd: number,
): Pick<Profile, 'smEfficiency' | 'smEfficiencyRanges' | 'achievedOccupancyPercent'> {
  const out: { -readonly [K in keyof Profile]?: Profile[K] } = {};
  const count = blocks.length / 3;
  if (count > 0) {
    // Endpoints sorted by time, starts before ends at the same time; a running sum of blocks per SM between them.
    const order = new Uint32Array(count * 2).map((_, i) => i);
    const time = (i: number) => blocks[3 * (i >> 1) + (i & 1)]!;
    order.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1));
    const starts: number[] = [];
    const ends: number[] = [];
    const values: number[] = [];
    let last = time(order[0]!);
    let level = 0;
    let weighted = 0;
    for (const i of order) {
      const t = time(i);
      if (t > last && level > 1e-12) {
        const value = Math.min(level, 1);
        starts.push(last);
        ends.push(t);
        values.push(value);
        const from = Math.max(last, spanStart);
        const to = Math.min(t, spanEnd);
        if (to > from) weighted += value * (to - from);
      }
      last = t;
      level += (i & 1 ? -1 : 1) * blocks[3 * (i >> 1) + 2]!;
    }
    if (spanEnd > spanStart) out.smEfficiency = weighted / (spanEnd - spanStart);
    out.smEfficiencyRanges = {
      startUs: Float64Array.from(starts),
      endUs: Float64Array.from(ends),
      values: Float64Array.from(values),
    };
  }
  let time = 0;
  let total = 0;
  for (let i = 0; i < occupancy.length; i += 3) {
    const dur = Math.min(occupancy[i + 1]!, spanEnd) - Math.max(occupancy[i]!, spanStart);
    if (dur > 0) {
      time += dur;
      total += occupancy[i + 2]! * dur;
    }
  }
  if (time > 0) out.achievedOccupancyPercent = total / time;
  return out;
}

/** Start and end arrays as flat [start, end] pairs. */
export function interleave(starts: Float64Array, ends: Float64Array): Float64Array {
  const out = new Float64Array(starts.length * 2);
  for (let i = 0; i < starts.length; i++) {
    out[2 * i] = starts[i]!;
    out[2 * i + 1] = ends[i]!;
  }
  return out;
}
