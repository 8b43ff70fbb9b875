/** The "GPU time (HTA)" block of the text report: HTA's temporal and idle breakdowns and launch statistics. */
import type { HtaAnalysis } from '../protocol/analysis';

/** Streams listed in the text (the JSON has them all). */
const TEXT_STREAMS = 8;

const ms = (us: number) => `${(us / 1000).toFixed(3)} ms`;
const pct = (part: number, whole: number) => `${whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0'}%`;
const share = (value: number) => `${Math.round(100 * value)}%`;

/** The block's lines, each indented as the report's other tables; none without an HTA analysis. */
export function htaLines(hta: HtaAnalysis | undefined): string[] {
  if (!hta) return [];
  const t = hta.temporal;
  const lines = [
    '',
    `GPU time (HTA${hta.rank !== undefined ? `, rank ${hta.rank}` : ''}${hta.lastStepDropped ? ', last step left out' : ''}): span ${ms(t.spanUs)}`,
    `  idle         ${t.idlePercent.toFixed(2).padStart(6)}%  ${ms(t.idleUs).padStart(14)}`,
    `  compute      ${t.computePercent.toFixed(2).padStart(6)}%  ${ms(t.computeUs).padStart(14)}`,
    `  non-compute  ${t.nonComputePercent.toFixed(2).padStart(6)}%  ${ms(t.nonComputeUs).padStart(14)}`,
  ];
  const streams = hta.idle.streams;
  if (streams.length > 0) {
    lines.push(`  Idle by stream (host wait / kernel wait (gaps < ${hta.idle.consecutiveKernelDelayUs} µs) / other):`);
    for (const s of streams.slice(0, TEXT_STREAMS))
      lines.push(
        `    stream ${String(s.stream).padEnd(6)} ${ms(s.idleUs).padStart(14)}  ${share(s.hostWaitShare)} / ${share(s.kernelWaitShare)} / ${share(s.otherShare)}`,
      );
    if (streams.length > TEXT_STREAMS) lines.push(`    … ${streams.length - TEXT_STREAMS} more in --format json`);
  }
  const l = hta.launches;
  if (l.launches > 0)
    lines.push(
      `  Launches: ${l.launches}; short kernels (call ≤ ${l.runtimeCutoffUs} µs, longer than its GPU work) ${l.shortKernels} (${pct(l.shortKernels, l.launches)}); calls > ${l.runtimeCutoffUs} µs ${l.longRuntime} (${pct(l.longRuntime, l.launches)}); launch delay > ${l.launchDelayCutoffUs} µs ${l.longDelays} (${pct(l.longDelays, l.launches)})`,
      `  Launch delay: p50 ${ms(l.delayP50Us)}, p90 ${ms(l.delayP90Us)}, p99 ${ms(l.delayP99Us)}, max ${ms(l.delayMaxUs)}`,
    );
  return lines;
}
