import type { OnnxLatency } from '../../protocol/onnx';
import { percentile, sortedNumbers } from '../../common/stats';

/** Latency statistics of one round of measured runs (ms each); `batch` items per run. */
export function latencyOf(samples: readonly number[], batch: number, rounds: number): OnnxLatency {
  const sorted = sortedNumbers(samples);
  const sum = samples.reduce((a, b) => a + b, 0);
  const mean = samples.length > 0 ? sum / samples.length : 0;
  const p50 = percentile(sorted, 50);
  const spread = p50 > 0 ? (percentile(sorted, 90) - percentile(sorted, 10)) / p50 : 0;
  return {
    runs: samples.length,
    mean,
    p50,
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    spread,
    throughput: mean > 0 ? (1000 * batch) / mean : 0,
    rounds,
  };
}
