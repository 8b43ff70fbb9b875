/** Order statistics shared by the engine's timing, the analysis report and the tuner. Pure, no imports. */

/**
 * The nearest-rank percentile of values sorted ascending: the smallest value with at least `p`% of the values at or
 * below it (p in 0..100). 0 for no values, so a report of an empty run stays finite.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** A sorted copy (ascending, numeric), for {@link percentile}. */
export function sortedNumbers(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/**
 * The largest of the values (`fallback` for none). A loop, not `Math.max(...values)`: spreading an array into a
 * call puts every element on the stack and overflows it at about 125k elements (a CSV's labels, a memory timeline).
 */
export function maxOf(values: Iterable<number>, fallback = -Infinity): number {
  let max: number | undefined;
  for (const value of values) if (max === undefined || value > max) max = value;
  return max ?? fallback;
}

/** The smallest of the values (`fallback` for none), by a loop for the same reason as {@link maxOf}. */
export function minOf(values: Iterable<number>, fallback = Infinity): number {
  let min: number | undefined;
  for (const value of values) if (min === undefined || value < min) min = value;
  return min ?? fallback;
}
