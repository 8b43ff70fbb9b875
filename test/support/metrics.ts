import { readMetrics, TIMING_METRICS } from '../../src/engine/run/runStore';
import type { MetricsRecord } from '../../src/engine/train/loop';

/** A run's metrics rows without the wall-clock timings: equal for two runs that compute the same thing. */
export function deterministicMetrics(runDir: string): MetricsRecord[] {
  return readMetrics(runDir).map((row) => ({
    ...row,
    values: Object.fromEntries(Object.entries(row.values).filter(([name]) => !TIMING_METRICS.includes(name))),
  }));
}
