/**
 * HTA's temporal breakdown (idle, compute and non-compute time over the GPU's span) and its idle time breakdown
 * (each stream's gaps as host wait, kernel wait or other), over the GPU events it keeps.
 */
import type { HtaIdleBreakdown, HtaStreamIdle, HtaTemporalBreakdown } from '../../protocol/analysis';
import type { CpuColumns, GpuColumns } from './accumulator';
import { IDLE_CATEGORY, KernelKind } from './classify';

/** HTA's default `consecutive_kernel_delay`: gaps shorter than this between kernels are launch overhead (µs). */
export const CONSECUTIVE_KERNEL_DELAY_US = 30;

/** The union of the events' intervals, as HTA merges them: its first start, its last end, and its length. */
interface Merged {
  readonly first: number;
  readonly last: number;
  readonly busy: number;
}

/**
 * Merges intervals given in start order, as HTA does: an interval starting after every end so far opens a new group
 * (touching ones join); each group spans its earliest start to its latest end.
 */
function merge(order: Uint32Array, gpu: GpuColumns): Merged {
  let first = NaN;
  let busy = 0;
  let groupStart = NaN;
  let groupEnd = -Infinity;
  let runningEnd = -Infinity;
  for (const i of order) {
    const start = gpu.start[i]!;
    const end = gpu.end[i]!;
    if (Number.isNaN(groupStart)) {
      first = start;
      groupStart = start;
    } else if (start > runningEnd) {
      busy += groupEnd - groupStart;
      groupStart = start;
      groupEnd = -Infinity;
    }
    if (end > groupEnd) groupEnd = end;
    if (end > runningEnd) runningEnd = end;
  }
  if (Number.isNaN(groupStart)) return { first: 0, last: 0, busy: 0 };
  return { first, last: groupEnd, busy: busy + groupEnd - groupStart };
}

/** The kept events sorted by start (then trace order). */
function byStart(gpu: GpuColumns, kept: Uint32Array): Uint32Array {
  return Uint32Array.from(kept).sort((a, b) => gpu.start[a]! - gpu.start[b]! || a - b);
}

/** HTA's temporal breakdown of the kept GPU events. */
export function temporalBreakdown(gpu: GpuColumns, kept: Uint32Array): HtaTemporalBreakdown {
  const order = byStart(gpu, kept);
  const all = merge(order, gpu);
  const compute = merge(
    order.filter((i) => (gpu.flags[i]! & 3) === KernelKind.Compute),
    gpu,
  );
  const spanUs = all.last - all.first;
  const idleUs = spanUs - all.busy;
  const computeUs = compute.busy;
  const nonComputeUs = spanUs - computeUs - idleUs;
  const percent = (us: number) => (spanUs > 0 ? (100 * us) / spanUs : 0);
  return {
    spanUs,
    idleUs,
    computeUs,
    nonComputeUs,
    idlePercent: percent(idleUs),
    computePercent: percent(computeUs),
    nonComputePercent: percent(nonComputeUs),
  };
}

/**
 * HTA's idle time breakdown: on each stream, kernels (copies and sets included) in start order; the gap before each
 * one is host wait when its runtime call started after the previous kernel ended, else kernel wait when shorter
 * than {@link CONSECUTIVE_KERNEL_DELAY_US}, else other.
 */
export function idleBreakdown(
  gpu: GpuColumns,
  kept: Uint32Array,
  cpu: CpuColumns,
  cpuRow: Int32Array,
): HtaIdleBreakdown {
  const order = kept
    .filter((i) => (gpu.flags[i]! & IDLE_CATEGORY) !== 0)
    .sort((a, b) => gpu.stream[a]! - gpu.stream[b]! || gpu.start[a]! - gpu.start[b]! || a - b);
  const streams: HtaStreamIdle[] = [];
  let parts = [0, 0, 0];
  for (let k = 0; k < order.length; k++) {
    const g = order[k]!;
    const previous = k > 0 ? order[k - 1]! : -1;
    if (previous < 0 || gpu.stream[previous] !== gpu.stream[g]) {
      if (previous >= 0) streams.push(streamRow(gpu.stream[previous]!, parts));
      parts = [0, 0, 0];
      continue;
    }
    const previousEnd = gpu.end[previous]!;
    const gap = gpu.start[g]! - previousEnd;
    const row = cpuRow[g]!;
    if (row >= 0 && cpu.start[row]! > previousEnd) parts[0]! += gap;
    else if (gap < CONSECUTIVE_KERNEL_DELAY_US) parts[1]! += gap;
    else parts[2]! += gap;
  }
  if (order.length > 0) streams.push(streamRow(gpu.stream[order[order.length - 1]!]!, parts));
  return { consecutiveKernelDelayUs: CONSECUTIVE_KERNEL_DELAY_US, streams };
}

function streamRow(stream: number, [hostWaitUs, kernelWaitUs, otherUs]: number[]): HtaStreamIdle {
  const idleUs = hostWaitUs! + kernelWaitUs! + otherUs!;
  const share = (us: number) => (idleUs !== 0 ? us / idleUs : 0);
  return {
    stream,
    idleUs,
    hostWaitUs: hostWaitUs!,
    kernelWaitUs: kernelWaitUs!,
    otherUs: otherUs!,
    hostWaitShare: share(hostWaitUs!),
    kernelWaitShare: share(kernelWaitUs!),
    otherShare: share(otherUs!),
  };
}
