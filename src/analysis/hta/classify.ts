/**
 * How Holistic Trace Analysis (HTA 0.6.1) sorts a trace's events: which are GPU events, what kind of GPU work a
 * kernel is (by its name, as HTA's grouping patterns say), and which runtime calls are kernel launches.
 */

/** A GPU event's kind, as HTA's `get_kernel_type` gives it. */
export const KernelKind = { Compute: 0, Memory: 1, Communication: 2, Other: 3 } as const;
/** One of {@link KernelKind}'s values. */
export type KernelKind = (typeof KernelKind)[keyof typeof KernelKind];

/** Flag added to a kind for the categories HTA's idle time breakdown looks at (kernels, copies, sets). */
export const IDLE_CATEGORY = 4;

/**
 * GPU categories, old and new dialects: the value says whether the idle breakdown counts the event
 * (`IDLE_CATEGORY`) or only the temporal breakdown does (synchronization, which HTA keeps as GPU work with a stream).
 */
export const GPU_CATEGORIES: ReadonlyMap<string, number> = new Map([
  ['kernel', IDLE_CATEGORY],
  ['Kernel', IDLE_CATEGORY],
  ['gpu_memcpy', IDLE_CATEGORY],
  ['Memcpy', IDLE_CATEGORY],
  ['gpu_memset', IDLE_CATEGORY],
  ['Memset', IDLE_CATEGORY],
  ['mtia_ccp_events', IDLE_CATEGORY],
  ['cuda_sync', 0],
]);

/** HTA's communication kernels: NCCL/RCCL/HCCL by name (its pattern also takes every name starting `hip`). */
const COMMUNICATION = /^nccl|^hip|^hccl|ncclKernel/;
/** HTA's memory kernels. */
const MEMORY = /^(hip)?Memcpy|^(hip)?Memset|^dma/;
/** What HTA's compute pattern excludes; every other GPU event is compute. */
const NOT_COMPUTE =
  /^nccl|^.*Memcpy|^.*Memset|^.*dma|^.*Sync|^Stream Wait Event|^cuda.*LaunchKernel|^runFunction|^hip|^job_exe|^packet|^pe_exe|^cpum_exe_subgraph|^hccl|^collective_subgraph_execution/;

/** The kind of a GPU event from its name, in HTA's order: communication, memory, compute, other. */
export function kernelKind(name: string): KernelKind {
  if (COMMUNICATION.test(name)) return KernelKind.Communication;
  if (MEMORY.test(name)) return KernelKind.Memory;
  if (!NOT_COMPUTE.test(name)) return KernelKind.Compute;
  return KernelKind.Other;
}

/**
 * Runtime calls that launch GPU work, for the launch statistics: HTA's (with its default `include_memory_events`),
 * and ROCm's equivalents, which HTA does not recognize (it finds no launches in a ROCm trace).
 */
export const LAUNCH_NAMES: ReadonlySet<string> = new Set([
  'cudaLaunchKernel',
  'cudaLaunchKernelExC',
  'cudaMemcpyAsync',
  'cudaMemsetAsync',
  'runFunction - job_prep_and_submit_for_execution',
  'hipLaunchKernel',
  'hipExtLaunchKernel',
  'hipModuleLaunchKernel',
  'hipExtModuleLaunchKernel',
  'hipMemcpyAsync',
  'hipMemsetAsync',
]);

/** The `ProfilerStep#N` names HTA counts as steps. */
export const PROFILER_STEP = /^ProfilerStep#\d+/;

/**
 * A stream id as HTA reads it: a number, or a decimal numeric string; anything else (absent, `"0x0"`) is -1, no
 * stream.
 */
export function streamOf(args: unknown): number {
  if (!args || typeof args !== 'object') return -1;
  const value = (args as Record<string, unknown>)['stream'];
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : -1;
  if (typeof value === 'string' && /^\s*[-+]?\d+(\.\d*)?\s*$/.test(value)) return Math.trunc(Number(value));
  return -1;
}

/** The `correlation` argument, -1 when absent (HTA's default). */
export function correlationOf(args: unknown): number {
  if (!args || typeof args !== 'object') return -1;
  const value = (args as Record<string, unknown>)['correlation'];
  return typeof value === 'number' && Number.isFinite(value) ? value : -1;
}
