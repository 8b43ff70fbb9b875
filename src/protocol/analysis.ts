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
/**
 * The GPU's time as Holistic Trace Analysis (HTA 0.6.1) defines it, per trace (per rank when the trace is a rank),
 * over the events HTA keeps: by default it leaves out the last profiler step (the work its CPU side started at or
 * after the last `ProfilerStep#N` began, and the GPU work that work launched). Times are µs.
 */
export interface HtaAnalysis {
  /** The rank, when the trace is one rank of a distributed job. */
  readonly rank?: number;
  /** Whether the last profiler step was left out (HTA does when the trace has two or more `ProfilerStep#N`). */
  readonly lastStepDropped: boolean;
  readonly temporal: HtaTemporalBreakdown;
  readonly idle: HtaIdleBreakdown;
  readonly launches: HtaLaunchStats;
}

/**
 * HTA's temporal breakdown: over the span from the first GPU event's start to the last one's end, `idle` is the time
 * no GPU event runs, `compute` the union of compute kernels (by name: not communication, memory copy/set or sync),
 * `nonCompute` the rest (copies, sets, collectives, syncs not overlapped by compute). The percents sum to 100.
 */
export interface HtaTemporalBreakdown {
  readonly spanUs: number;
  readonly idleUs: number;
  readonly computeUs: number;
  readonly nonComputeUs: number;
  readonly idlePercent: number;
  readonly computePercent: number;
  readonly nonComputePercent: number;
}

/**
 * HTA's idle time breakdown, per stream: each gap between consecutive kernels (kernels, copies and sets) on a
 * stream is host wait when the next one's runtime call began after the previous one ended (the CPU was late),
 * else kernel wait when the gap is under `consecutiveKernelDelayUs` (launch overhead), else other.
 */
export interface HtaIdleBreakdown {
  readonly consecutiveKernelDelayUs: number;
  /** One row per stream, by stream id; the shares are of the stream's idle time (0 when it has none). */
  readonly streams: readonly HtaStreamIdle[];
}

/** One stream's idle time and how it splits (µs, and shares 0–1 of `idleUs`). */
export interface HtaStreamIdle {
  readonly stream: number;
  readonly idleUs: number;
  readonly hostWaitUs: number;
  readonly kernelWaitUs: number;
  readonly otherUs: number;
  readonly hostWaitShare: number;
  readonly kernelWaitShare: number;
  readonly otherShare: number;
}

/**
 * HTA's kernel launch statistics over each launch (a `cudaLaunchKernel`, `cudaLaunchKernelExC`, `cudaMemcpyAsync`
 * or `cudaMemsetAsync` call, and ROCm's `hip…` equivalents, which HTA does not know, and the GPU event with its
 * correlation id): the call's duration (cpu), the GPU event's (gpu), and the launch delay, from the call's end to
 * the GPU event's start (0 when negative).
 */
export interface HtaLaunchStats {
  readonly launches: number;
  readonly runtimeCutoffUs: number;
  readonly launchDelayCutoffUs: number;
  /** Launches whose call took no more than `runtimeCutoffUs` but longer than the GPU work it launched. */
  readonly shortKernels: number;
  /** Launches whose call took longer than `runtimeCutoffUs` (runtime outliers). */
  readonly longRuntime: number;
  /** Launches whose delay exceeds `launchDelayCutoffUs` (launch delay outliers). */
  readonly longDelays: number;
  readonly cpuUs: number;
  readonly gpuUs: number;
  /** Nearest-rank percentiles and the mean and maximum of the launch delay. */
  readonly delayP50Us: number;
  readonly delayP90Us: number;
  readonly delayP99Us: number;
  readonly delayMeanUs: number;
  readonly delayMaxUs: number;
}

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
  /** HTA's temporal and idle time breakdowns and launch statistics, for traces with GPU events (see {@link HtaAnalysis}). */
  readonly hta?: HtaAnalysis;
  readonly stats: { readonly events: number; readonly megabytes: number };
}

/** One row of an operator or kernel table, in ms. */
export interface OpRow {
  readonly name: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
}
