/**
 * Time ranges as sorted, non-overlapping [start, end) pairs in one flat array: [s0, e0, s1, e1, …]. Flat numbers
 * keep millions of kernel intervals cheap. Operations follow the PyTorch profiler plugin's: merge, intersect,
 * subtract, sum.
 */
export type Ranges = Float64Array;

/** Sorts raw [start, end] pairs (flat) and merges overlapping or touching ones. */
export function mergeRanges(pairs: ArrayLike<number>): Ranges {
  const count = pairs.length / 2;
  const order = new Uint32Array(count).map((_, i) => i);
  // Trace events mostly come in time order: skip the sort when they do.
  let sorted = true;
  for (let i = 1; i < count && sorted; i++) sorted = pairs[2 * i]! >= pairs[2 * i - 2]!;
  if (!sorted) order.sort((a, b) => pairs[2 * a]! - pairs[2 * b]!);
  const out: number[] = [];
  for (const i of order) {
    const start = pairs[2 * i]!;
    const end = pairs[2 * i + 1]!;
    const last = out.length - 1;
    if (last > 0 && start <= out[last]!) {
      if (end > out[last]!) out[last] = end;
    } else out.push(start, end);
  }
  return Float64Array.from(out);
}

/** The parts of `a` that are also in `b`. */
export function intersectRanges(a: Ranges, b: Ranges): Ranges {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i]!, b[j]!);
    const end = Math.min(a[i + 1]!, b[j + 1]!);
    if (start < end) out.push(start, end);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return Float64Array.from(out);
}

/** The parts of `a` that are not in `b`. */
export function subtractRanges(a: Ranges, b: Ranges): Ranges {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let start = a[i]!;
    const end = a[i + 1]!;
    while (j < b.length && b[j + 1]! <= start) j += 2;
    let k = j;
    while (k < b.length && b[k]! < end) {
      if (b[k]! > start) out.push(start, b[k]!);
      start = Math.max(start, b[k + 1]!);
      if (start >= end) break;
      k += 2;
    }
    if (start < end) out.push(start, end);
  }
  return Float64Array.from(out);
}

/** Total length of the ranges. */
export function sumRanges(ranges: Ranges): number {
  let total = 0;
  for (let i = 0; i < ranges.length; i += 2) total += ranges[i + 1]! - ranges[i]!;
  return total;
}

/**
 * Total length of `ranges` inside [from, to): the same number, bit for bit, as
 * `sumRanges(intersectRanges(Float64Array.of(from, to), ranges))` (the same pieces added in the same order), but
 * found by binary search, so summing many windows over millions of ranges stays fast.
 */
export function windowSum(ranges: Ranges, from: number, to: number): number {
  // The first range that ends after `from`: the ones before it add nothing.
  let lo = 0;
  let hi = ranges.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[2 * mid + 1]! <= from) lo = mid + 1;
    else hi = mid;
  }
  let total = 0;
  for (let j = 2 * lo; j < ranges.length; j += 2) {
    const start = Math.max(from, ranges[j]!);
    const end = Math.min(to, ranges[j + 1]!);
    if (start < end) total += end - start;
    if (to < ranges[j + 1]!) break;
  }
  return total;
}
