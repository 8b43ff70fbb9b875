import type { OnnxLatency } from '../../protocol/onnx';
import { percentile, sortedNumbers } from '../../common/stats';

/** Milliseconds to the nearest nanosecond (what `performance.now()` resolves), so reports print no float noise. */
const ns = (ms: number) => Math.round(ms * 1e6) / 1e6;

/** Latency statistics of one round of measured runs (ms each); `batch` items per run, rounded to the nanosecond. */
export function latencyOf(samples: readonly number[], batch: number, rounds: number): OnnxLatency {
  const sorted = sortedNumbers(samples);
  const sum = samples.reduce((a, b) => a + b, 0);
  const mean = samples.length > 0 ? sum / samples.length : 0;
  const p50 = percentile(sorted, 50);
  const spread = p50 > 0 ? (percentile(sorted, 90) - percentile(sorted, 10)) / p50 : 0;
  return {
    runs: samples.length,
    mean: ns(mean),
    p50: ns(p50),
    p90: ns(percentile(sorted, 90)),
    p99: ns(percentile(sorted, 99)),
    min: ns(sorted[0] ?? 0),
    max: ns(sorted[sorted.length - 1] ?? 0),
    spread: Math.round(spread * 1e4) / 1e4,
    throughput: mean > 0 ? Math.round((1e6 * batch) / mean) / 1000 : 0,
    rounds,
  };
}
