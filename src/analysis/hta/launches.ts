/** HTA's kernel launch statistics: each launch call against the GPU work it launched. */
import type { HtaLaunchStats } from '../../protocol/analysis';
import { percentile } from '../../common/stats';
import type { CpuColumns, GpuColumns } from './accumulator';

/** HTA's default `runtime_cutoff` (µs): launch calls longer than this are runtime outliers. */
export const RUNTIME_CUTOFF_US = 50;
/** HTA's default `launch_delay_cutoff` (µs): launch delays longer than this are outliers. */
export const LAUNCH_DELAY_CUTOFF_US = 100;

/**
 * The launch statistics of the kept GPU events whose correlated call is a launch: the call's duration, the GPU
 * event's, and the launch delay, the GPU event's start minus the call's end (0 when negative), as HTA computes them.
 */
export function launchStats(gpu: GpuColumns, kept: Uint32Array, cpu: CpuColumns, cpuRow: Int32Array): HtaLaunchStats {
  const delays = new Float64Array(kept.length);
  let launches = 0;
  let shortKernels = 0;
  let longRuntime = 0;
  let longDelays = 0;
  let cpuUs = 0;
  let gpuUs = 0;
  let delaySum = 0;
  for (const g of kept) {
    const row = cpuRow[g]!;
    if (row < 0 || cpu.launch[row] !== 1) continue;
    const cpuDuration = cpu.end[row]! - cpu.start[row]!;
    const gpuDuration = gpu.end[g]! - gpu.start[g]!;
    const delay = Math.max(0, gpu.start[g]! - cpu.end[row]!);
    delays[launches++] = delay;
    if (cpuDuration <= RUNTIME_CUTOFF_US && gpuDuration < cpuDuration) shortKernels++;
    if (cpuDuration > RUNTIME_CUTOFF_US) longRuntime++;
    if (delay > LAUNCH_DELAY_CUTOFF_US) longDelays++;
    cpuUs += cpuDuration;
    gpuUs += gpuDuration;
    delaySum += delay;
  }
  const sorted = delays.subarray(0, launches).sort();
  return {
    launches,
    runtimeCutoffUs: RUNTIME_CUTOFF_US,
    launchDelayCutoffUs: LAUNCH_DELAY_CUTOFF_US,
    shortKernels,
    longRuntime,
    longDelays,
    cpuUs,
    gpuUs,
    delayP50Us: percentile(sorted, 50),
    delayP90Us: percentile(sorted, 90),
    delayP99Us: percentile(sorted, 99),
    delayMeanUs: launches > 0 ? delaySum / launches : 0,
    delayMaxUs: launches > 0 ? sorted[launches - 1]! : 0,
  };
}
