/**
 * The analysis of a profile as the CLI contract's JSON (`trainlens analyze --format json`) and as the panels show
 * it. Types, and the one sentence every report shows for a CPU-only trace: the webviews import this file.
 */
import type { OnnxNodeRow, OnnxOpRow } from './onnx';
import type { RunFailureKind, RunStatus } from './runRecord';
import type { Finding } from './types';

/** Where a profile came from. */
export type ProfileSource = 'kineto' | 'onnxruntime' | 'chrome' | 'trainlens';

/** A GPU (or other device) a trace names, from Kineto's deviceProperties or a run's environment. */
export interface DeviceInfo {
  readonly id: number;
  readonly name: string;
  readonly memoryBytes?: number;
  readonly computeCapability?: string;
  readonly multiprocessors?: number;
}

/** Rank and world size of a distributed job. */
export interface DistributedInfo {
  readonly rank: number;
  readonly worldSize: number;
  readonly backend?: string;
}

/**
 * How a trace was read where it was not plain, conforming UTF-8 JSON: events left out and values converted under
 * the Trace Event Format's rules, with counts, and a sentence for each (what the report prints).
 */
export interface IngestReport {
  /** Events left out, by reason: `unknown-phase`, `unmatched-end`, `unclosed-begin`, `cut-event`, `bad-time`. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Values converted, by kind: `string-ts`, `string-dur` (numeric strings read as numbers). */
  readonly converted: Readonly<Record<string, number>>;
  /**
   * `ns` when the trace's `displayTimeUnit` asks for times shown in ns (they stay µs); absent for the format's
   * default, `ms`.
   */
  readonly displayTimeUnit?: 'ns';
  /** One sentence each: the file's form (UTF-16, byte order mark, no closing `]`), what was left out or converted. */
  readonly notes: readonly string[];
}

/** What every report says, once, about a trace with {@link AnalysisReport.cpuOnly} set. */
export const CPU_ONLY_NOTE = 'CPU only: no device activity in this trace';

/** The analysis as the CLI contract's JSON (`trainlens analyze --format json`), plus tables for the text report. */
export interface AnalysisReport {
  readonly source: ProfileSource;
  readonly file: string;
  readonly device: { readonly gpus: readonly DeviceInfo[]; readonly distributed?: DistributedInfo };
  readonly steps: {
    readonly count: number;
    readonly meanMs: number;
    readonly p50Ms: number;
    readonly p90Ms: number;
    readonly note?: string;
  };
  /**
   * How a TrainLens run stands (run directories only): `interrupted` when its engine was killed before the run
   * ended, with the last step it reached.
   */
  readonly run?: {
    readonly status: RunStatus;
    readonly lastStep?: number;
    readonly failure?: { readonly kind: RunFailureKind; readonly message: string };
    readonly interruptedBecause?: string;
  };
  /** Mean per step, in the source's category order. */
  readonly breakdown: ReadonlyArray<{ readonly category: string; readonly ms: number; readonly percent: number }>;
  readonly gpuUtilizationPercent?: number;
  /** GPU utilization over time, in % per bucket (the PyTorch profiler plugin's timeline). */
  readonly gpuUtilizationTimeline?: {
    readonly startUs: number;
    readonly bucketUs: number;
    readonly percent: readonly number[];
  };
  /** Estimated SM efficiency and achieved occupancy (%), where the kernels carry them. */
  readonly smEfficiencyPercent?: number;
  readonly achievedOccupancyPercent?: number;
  readonly memory?: {
    readonly peakBytes: number;
    readonly samples: number;
    readonly byCategoryAtPeak?: Readonly<Record<string, number>>;
  };
  /**
   * ONNX Runtime profiles: time per node (the 50 longest) and per op type, in ms mean per run, with their percent
   * of all node time; `count` is calls per run (a node's, or the nodes of an op type).
   */
  readonly onnx?: {
    readonly nodes: readonly OnnxNodeRow[];
    readonly ops: readonly OnnxOpRow[];
    /** The runs (`model_run` events) the means are over. */
    readonly runs: number;
  };
  readonly topKernels: ReadonlyArray<OpRow>;
  readonly topOperators: ReadonlyArray<OpRow>;
  readonly findings: readonly Finding[];
  /** How the trace was read, when anything was left out, converted or unusual (see {@link IngestReport}). */
  readonly ingest?: IngestReport;
  /**
   * Set on a PyTorch trace with no device activity: its `breakdown` leaves out the device categories (`kernel`,
   * `memcpy`, `memset`, `runtime`), which are zero in such a trace.
   */
  readonly cpuOnly?: true;
  readonly stats: { readonly events: number; readonly megabytes: number };
}

/** One row of an operator or kernel table, in ms. */
export interface OpRow {
  readonly name: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
}
