/**
 * Which GPU events HTA keeps, and the CPU-side call each one is correlated with (the runtime call that launched it,
 * by correlation id).
 */
import type { CpuColumns, GpuColumns } from './accumulator';
import type { Column } from './columns';

/** The kept GPU events (indices, in trace order) and, per GPU event, its CPU-side row (-1 when none). */
export interface Correlation {
  readonly kept: Uint32Array;
  readonly cpuRow: Int32Array;
}

/**
 * Pairs each GPU event with the earliest CPU-side event of its correlation id. With `filtering` (HTA's default on a
 * trace with several steps), a GPU event is kept only when that call starts before `cut`, the last step's start (as an offset like the columns' times);
 * without, every GPU event is kept.
 */
export function correlate(gpu: GpuColumns, cpu: CpuColumns, cut: number, filtering: boolean): Correlation {
  const order = new Uint32Array(cpu.correlation.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => cpu.correlation[a]! - cpu.correlation[b]! || cpu.start[a]! - cpu.start[b]! || a - b);
  const cpuRow = new Int32Array(gpu.start.length).fill(-1);
  const kept = new Uint32Array(gpu.start.length);
  let count = 0;
  for (let g = 0; g < gpu.start.length; g++) {
    const id = gpu.correlation[g]!;
    const row = id >= 0 ? firstWith(order, cpu.correlation, id) : -1;
    cpuRow[g] = row;
    if (!filtering || (row >= 0 && cpu.start[row]! < cut)) kept[count++] = g;
  }
  return { kept: kept.subarray(0, count), cpuRow };
}

/** The row of `order` (sorted by correlation, then start) with the first `id`, or -1. */
function firstWith(order: Uint32Array, correlation: Column, id: number): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (correlation[order[mid]!]! < id) low = mid + 1;
    else high = mid;
  }
  return low < order.length && correlation[order[low]!] === id ? order[low]! : -1;
}
