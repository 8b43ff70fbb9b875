/**
 * Trace folders and multi-rank jobs as the CLI contract's JSON (`trainlens analyze DIR --format json`) and as the
 * panels and the report show them. Types only: the webviews import this file.
 */
import type { Finding } from './types';

/**
 * One trace in a `torch.profiler.tensorboard_trace_handler` folder: `<worker>.<time>.pt.trace.json[.gz]`, one per
 * worker (rank) and profiling cycle.
 */
export interface TraceFolderEntry {
  /** Path of the trace file. */
  readonly file: string;
  /** The worker name the handler wrote (`worker_name`, by default `<host>_<pid>`). */
  readonly worker: string;
  /** The rank, from the trace's `distributedInfo` when read, else from the worker name when it ends in a number. */
  readonly rank?: number;
  /** When the handler wrote it (ms since the epoch, from the file name, else the file's mtime). */
  readonly timeMs: number;
  /** Profiling cycle of this worker: 0 for its first trace, 1 for the next… */
  readonly cycle: number;
  readonly bytes: number;
}

/** The traces of a folder, newest first (the first is what is shown; a picker offers the rest). */
export interface TraceFolder {
  readonly dir: string;
  readonly entries: readonly TraceFolderEntry[];
  /** Files in the folder that are not traces, skipped (count), so the user knows nothing was silently read. */
  readonly skippedFiles: number;
}

/** One rank of a job: its step time and where it goes, side by side with the other ranks. */
export interface RankRow {
  readonly rank: number;
  readonly file: string;
  readonly steps: number;
  readonly meanStepMs: number;
  /** Mean per step by category, in the profile's category order (ms). */
  readonly breakdown: ReadonlyArray<{ readonly category: string; readonly ms: number; readonly percent: number }>;
  /** Time in communication kernels over the analysed span (ms). */
  readonly communicationMs: number;
  /** Time in computation kernels over the analysed span (ms). */
  readonly computationMs: number;
  /**
   * Communication/computation overlap as HTA defines it (`get_comm_comp_overlap`): the percent of communication
   * kernel time during which a computation kernel also runs. Absent without communication kernels.
   */
  readonly overlapPercent?: number;
}

/**
 * The rank the others wait for, and why. In a synchronous job every rank waits for the slowest at each collective,
 * so step times even out and the waiting shows as communication on the others: the straggler is the rank with the
 * most work per step (its mean step less its communication), against the median of the other ranks.
 */
export interface Straggler {
  readonly rank: number;
  readonly meanStepMs: number;
  /** Median of the other ranks' mean step times (with two ranks: the other one's). */
  readonly medianStepMs: number;
  /** How much more it works per step than the other ranks' median (ms, and % of that median). */
  readonly slowerByMs: number;
  readonly slowerByPercent: number;
  /** The category in which it spends the most more than the median rank, and by how much per step (ms). */
  readonly category: string;
  readonly categoryExcessMs: number;
  /** Its work per step: mean step less communication (the category, or the exposed communication kernels). */
  readonly workMs?: number;
  /** The other ranks' median work per step. */
  readonly medianWorkMs?: number;
}

/** One collective type over the job (all ranks read). */
export interface CollectiveRow {
  /** e.g. `all_reduce`, `all_gather`, `reduce_scatter`, `broadcast`, `send/recv`. */
  readonly type: string;
  /** Kernel or operator names seen for it (at most a few). */
  readonly names: readonly string[];
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  /** Bytes moved, from the events' args (`In msg nelems` × dtype size, …) where present. */
  readonly bytes?: number;
}

/** A multi-rank job (or a trace folder of several ranks) analysed rank by rank. */
export interface DistributedReport {
  readonly dir: string;
  /** World size the traces declare (their `distributedInfo`), else the number of ranks read. */
  readonly worldSize: number;
  readonly backend?: string;
  readonly ranks: readonly RankRow[];
  /** Ranks the world size names that have no trace here. */
  readonly missingRanks?: readonly number[];
  readonly straggler?: Straggler;
  readonly collectives: readonly CollectiveRow[];
  /** `straggler`, per-rank `comm-bound` (evidence names the rank), … */
  readonly findings: readonly Finding[];
  /** Traces read, and their bytes, for the footer. */
  readonly stats: { readonly traces: number; readonly megabytes: number };
  /** The folder the ranks were chosen from (`trainlens analyze DIR`): every trace in it, newest first. */
  readonly folder?: TraceFolder;
}
