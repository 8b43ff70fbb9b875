/** Order statistics shared by the engine's timing, the analysis report and the tuner. Pure, no imports. */

/**
 * The nearest-rank percentile of values sorted ascending: the smallest value with at least `p`% of the values at or
 * below it (p in 0..100). 0 for no values, so a report of an empty run stays finite.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** A sorted copy (ascending, numeric), for {@link percentile}. */
export function sortedNumbers(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}
