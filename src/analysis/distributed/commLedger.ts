/**
 * One rank's communication, gathered while its trace streams: the union of communication and of computation kernel
 * intervals (for HTA's communication/computation overlap) and a tally of collectives by type. The Kineto builder
 * feeds it each event with one call; it keeps merged intervals and one row per collective type, so its memory does
 * not grow with the trace.
 */
import { intersectRanges, sumRanges, type Ranges } from '../ranges';
import { KernelKind, kernelKind } from '../hta/classify';
import { IntervalUnion } from './intervalUnion';

/** CPU-side collectives (NCCL, Gloo), for traces without communication kernels (CPU-only jobs). */
const CPU_COLLECTIVE = /^(nccl|gloo):/;
/** Kernel names whose kind is remembered (a trace has a few thousand distinct ones). */
const MAX_KINDS = 1 << 16;
/** Bytes per element of the `dtype` names PyTorch writes in `record_param_comms` and NCCL kernel args. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  Float: 4,
  Double: 8,
  Half: 2,
  BFloat16: 2,
  Long: 8,
  Int: 4,
  Short: 2,
  Char: 1,
  Byte: 1,
  Bool: 1,
  ComplexFloat: 8,
  ComplexDouble: 16,
  Float8_e4m3fn: 1,
  Float8_e5m2: 1,
};
/** Names kept per collective type (for the table). */
const MAX_NAMES = 3;

/** One collective type on one rank (or, summed, on the job). Times in µs. */
export interface CollectiveTally {
  readonly type: string;
  readonly names: readonly string[];
  readonly calls: number;
  readonly totalUs: number;
  /** Bytes moved, when the events carry `In msg nelems`/`Out msg nelems` and `dtype`. */
  readonly bytes?: number;
}

/**
 * A rank's communication: merged communication and computation kernel time and the time both run, within a window
 * (the analysed steps; HTA's `get_comm_comp_overlap` takes the whole trace, which is the window left open), and the
 * collectives over the whole trace.
 */
export interface RankComms {
  /** The window's length (µs): the analysed steps' span, or the trace's kernels' when no window is given. */
  readonly spanUs: number;
  readonly communicationUs: number;
  readonly computationUs: number;
  /** Communication kernel time during which a computation kernel also runs. */
  readonly overlapUs: number;
  /** Collectives by type over the whole trace; from the communication kernels, else the CPU-side operations. */
  readonly collectives: readonly CollectiveTally[];
  /** Whether the collectives (and `communicationUs`) come from CPU-side operations: a job without GPU kernels. */
  readonly fromCpu?: boolean;
}

interface Tally {
  names: string[];
  calls: number;
  totalUs: number;
  bytes: number;
  sized: boolean;
}

/** The accumulator the Kineto builder feeds (`add` for every event, `build` once). */
export class CommLedger {
  private readonly comm = new IntervalUnion();
  private readonly compute = new IntervalUnion();
  private readonly cpuComm = new IntervalUnion();
  private readonly kernelTallies = new Map<string, Tally>();
  private readonly cpuTallies = new Map<string, Tally>();
  /** Each kernel name's kind, tested once (the patterns cost more than a lookup); bounded like the builder's. */
  private readonly kinds = new Map<string, KernelKind>();

  /** Takes one event by its Kineto type (`kernel`, `operator`, `user_annotation`, …), as the builder classified it. */
  add(type: string, name: string, start: number, end: number, args: unknown): void {
    if (type === 'kernel') {
      // HTA's kernel kinds by name: communication, and computation (what its compute pattern does not exclude).
      let kind = this.kinds.get(name);
      if (kind === undefined) {
        kind = kernelKind(name);
        if (this.kinds.size < MAX_KINDS) this.kinds.set(name, kind);
      }
      if (kind === KernelKind.Communication) {
        this.comm.add(start, end);
        const collective = collectiveType(stringArg(args, 'Collective name') ?? name);
        tally(this.kernelTallies, collective, name, end - start, bytesOf(args));
      } else if (kind === KernelKind.Compute) this.compute.add(start, end);
    } else if ((type === 'operator' || type === 'user_annotation') && CPU_COLLECTIVE.test(name)) {
      this.cpuComm.add(start, end);
      tally(this.cpuTallies, collectiveType(name), name, end - start, bytesOf(args));
    }
  }

  /**
   * The rank's communication within `window` (µs; the whole trace when absent), or undefined when the trace has
   * no collective.
   */
  build(window?: { readonly start: number; readonly end: number }): RankComms | undefined {
    const fromCpu = this.kernelTallies.size === 0;
    const tallies = fromCpu ? this.cpuTallies : this.kernelTallies;
    if (tallies.size === 0) return undefined;
    const comm = clip(fromCpu ? this.cpuComm.ranges() : this.comm.ranges(), window);
    const compute = clip(this.compute.ranges(), window);
    const spanUs = window
      ? window.end - window.start
      : Math.max(comm.at(-1) ?? 0, compute.at(-1) ?? 0) - Math.min(comm[0] ?? Infinity, compute[0] ?? Infinity);
    return {
      spanUs: Number.isFinite(spanUs) ? spanUs : 0,
      communicationUs: sumRanges(comm),
      computationUs: sumRanges(compute),
      overlapUs: fromCpu ? 0 : sumRanges(intersectRanges(comm, compute)),
      collectives: [...tallies].map(([type, t]) => ({
        type,
        names: t.names,
        calls: t.calls,
        totalUs: t.totalUs,
        ...(t.sized ? { bytes: t.bytes } : {}),
      })),
      ...(fromCpu ? { fromCpu } : {}),
    };
  }
}

/** The ranges' parts within the window (all of them without one). */
function clip(ranges: Ranges, window: { readonly start: number; readonly end: number } | undefined): Ranges {
  return window ? intersectRanges(ranges, Float64Array.of(window.start, window.end)) : ranges;
}

function tally(into: Map<string, Tally>, type: string, name: string, us: number, bytes: number | undefined): void {
  let row = into.get(type);
  if (!row) into.set(type, (row = { names: [], calls: 0, totalUs: 0, bytes: 0, sized: false }));
  row.calls++;
  row.totalUs += us;
  if (bytes !== undefined) {
    row.bytes += bytes;
    row.sized = true;
  }
  const short = name.replace(/\(.*$/, '');
  if (row.names.length < MAX_NAMES && !row.names.includes(short)) row.names.push(short);
}

/**
 * A collective's type from PyTorch's `Collective name` arg (`allreduce`, `_allgather_base`), a CPU operation's
 * name (`nccl:all_reduce`) or an NCCL kernel's (`ncclKernel_AllReduce_RING_LL_Sum_float`, `ncclDevKernel_SendRecv`).
 */
export function collectiveType(raw: string): string {
  const kernel = /^nccl(?:Dev)?Kernel_([A-Za-z]+)/.exec(raw);
  let base = kernel ? kernel[1]! : raw.replace(/^(nccl|gloo):/, '');
  base = base
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^_+/, '')
    .replace(/_(base|coalesced|into_tensor|tensor)$/, '');
  const known: Readonly<Record<string, string>> = {
    allreduce: 'all_reduce',
    allgather: 'all_gather',
    reducescatter: 'reduce_scatter',
    alltoall: 'all_to_all',
    all_to_allv: 'all_to_all',
    alltoall_base: 'all_to_all',
    send_recv: 'send/recv',
    sendrecv: 'send/recv',
    send: 'send/recv',
    recv: 'send/recv',
  };
  return known[base] ?? base;
}

/** Bytes a collective moves: the larger of its input and output element counts times the dtype's size. */
function bytesOf(args: unknown): number | undefined {
  if (!args || typeof args !== 'object') return undefined;
  const a = args as Record<string, unknown>;
  const size = typeof a['dtype'] === 'string' ? DTYPE_BYTES[a['dtype']] : undefined;
  const elements = Math.max(numberOr0(a['In msg nelems']), numberOr0(a['Out msg nelems']));
  return size !== undefined && elements > 0 ? elements * size : undefined;
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function stringArg(args: unknown, name: string): string | undefined {
  if (!args || typeof args !== 'object') return undefined;
  const value = (args as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
