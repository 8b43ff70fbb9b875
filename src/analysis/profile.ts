import type { DeviceInfo, DistributedInfo, HtaAnalysis, IngestReport, ProfileSource } from '../protocol/analysis';
import type { OnnxSessionOptions } from '../protocol/onnx';
import type { RunFailureInfo, RunStatus } from '../protocol/runRecord';
import type { RankComms } from './distributed/commLedger';
import type { ProfileTimeline } from './spans';
/**
 * The Profile: what every analysis rule, report and panel reads, whatever the source (a Kineto/PyTorch trace, an
 * ONNX Runtime profile, a Chrome trace, a TrainLens run). Times are in microseconds, as in trace files.
 */

/** Step-time categories of Kineto traces, in the PyTorch profiler plugin's priority order. */
export const KINETO_CATEGORIES = [
  'kernel',
  'memcpy',
  'memset',
  'communication',
  'runtime',
  'dataloader',
  'cpu_exec',
  'other',
] as const;

/** A step-time category (Kineto's, or a TrainLens run's phases). */
export type Category = string;

/** One training step and how its time splits across categories (each µs counted once). */
export interface ProfileStep {
  readonly name: string;
  readonly startUs: number;
  readonly endUs: number;
  /** Category → µs within the step; the values sum to the step's duration. */
  readonly breakdown: Readonly<Record<Category, number>>;
}

/** A device the profile ran on (the protocol's {@link DeviceInfo}). */
export type ProfileDevice = DeviceInfo;

/** Time spent in one named operator or kernel, over the analysed steps. */
export interface OpAggregate {
  readonly name: string;
  readonly calls: number;
  readonly totalUs: number;
  readonly meanUs: number;
  readonly maxUs: number;
}

/** The ONNX Runtime part of a profile ({@link Profile.onnx}). */
export type OnnxProfile = NonNullable<Profile['onnx']>;

/** The Profile model. */
export interface Profile {
  readonly source: ProfileSource;
  readonly file: string;
  readonly devices: readonly ProfileDevice[];
  /** Rank and world size of a distributed job, when the trace says. */
  readonly distributed?: DistributedInfo;
  readonly categories: readonly Category[];
  readonly steps: readonly ProfileStep[];
  /** Why the steps are what they are, when they are not the trace's own (no step markers, tail steps dropped). */
  readonly stepsNote?: string;
  /** Share of the analysed steps' time during which at least one kernel ran (0–1), when there is a GPU. */
  readonly gpuUtilization?: number;
  /** GPU utilization over time: buckets of `bucketUs` from `startUs` (the last may be longer), each 0–1. */
  readonly gpuUtilizationTimeline?: {
    readonly startUs: number;
    readonly bucketUs: number;
    readonly values: readonly number[];
  };
  /**
   * Estimated SM efficiency (0–1), as the PyTorch profiler plugin computes it: min(blocks per SM, 1) of the running
   * kernels, averaged over the analysed steps. Only when the kernels carry `blocks per SM`.
   */
  readonly smEfficiency?: number;
  /** The estimated SM efficiency over time: one value (0–1) for each range between kernel starts and ends. */
  readonly smEfficiencyRanges?: {
    readonly startUs: Float64Array;
    readonly endUs: Float64Array;
    readonly values: Float64Array;
  };
  /** Kernels' estimated achieved occupancy (%), weighted by their time in the analysed steps. */
  readonly achievedOccupancyPercent?: number;
  /** GPU kernels, longest total first. */
  readonly kernels: readonly OpAggregate[];
  /** CPU-side operators (top level and nested), longest total first. */
  readonly operators: readonly OpAggregate[];
  /**
   * Kernel launch statistics, when there are kernels, over the analysed trace's kernels (the plugin's view; the
   * `launch-overhead` rule reads it). HTA's launch statistics ({@link Profile.hta}) differ: they pair each launch
   * call with its GPU work, leave out the last step, and call a kernel short when its launch call took longer.
   */
  readonly launches?: {
    readonly kernels: number;
    /** Kernels shorter than 10 µs, and their share of kernel time. */
    readonly shortKernels: number;
    readonly shortKernelShare: number;
  };
  /**
   * Kernel time on tensor cores, and in matrix/convolution kernels that do not use them (candidates for mixed
   * precision), recognized by kernel name.
   */
  readonly tensorCores?: { readonly kernelUs: number; readonly tensorCoreUs: number; readonly fp32MatrixUs: number };
  /** Memory counters over time, e.g. Kineto's `[memory]` events (allocated bytes). */
  readonly memory?: {
    readonly tUs: Float64Array;
    readonly allocatedBytes: Float64Array;
    readonly peakBytes: number;
    /** What was live at the peak, by category (bytes), where the source has categories. */
    readonly byCategoryAtPeak?: Readonly<Record<string, number>>;
    /** Memory the allocator reserved at the same times (Kineto's `Total Reserved`). */
    readonly reservedBytes?: Float64Array;
    /** The process's resident memory at the same times (TrainLens runs). */
    readonly rssBytes?: Float64Array;
    /** Peak resident memory, from the samples and the memory monitor's events (TrainLens runs). */
    readonly peakRssBytes?: number;
    /** The memory the run may use: `engine.memory_limit_mb`, else the machine's memory (TrainLens runs). */
    readonly limitBytes?: number;
  };
  /** For a TrainLens run: the backend and the config values that fixes change. */
  readonly run?: {
    readonly backend: string;
    readonly requestedBackend: string;
    readonly installedBackends: readonly string[];
    readonly logEvery: number;
    /** Samples per second over the whole run (run.json's summary). */
    readonly samplesPerSec?: number;
    /** `data.batch_size`, when the config sets it. */
    readonly batchSize?: number;
    readonly checkpointEvery?: number;
    readonly validationEvery?: number;
    readonly configPath?: string;
    /** How the run ended and why, from run.json (`interrupted`: its engine was killed before it ended). */
    readonly status?: RunStatus;
    readonly reason?: string;
    /** The failure by kind (out of memory, NaN, data, config, …), when the run failed. */
    readonly failure?: RunFailureInfo;
    /** The furthest step the run reached, and why it reads as interrupted. */
    readonly lastStep?: number;
    readonly interruptedBecause?: string;
    /** The memory monitor's events (warn, act, tensor-leak, action) with their evidence. */
    readonly events?: ReadonlyArray<{
      readonly kind: string;
      readonly message: string;
      readonly evidence?: Readonly<Record<string, number | string>>;
    }>;
  };
  /** For ONNX Runtime profiles: nodes, and the session that ran them when TrainLens profiled it. */
  readonly onnx?: {
    /** Per node over the analysed runs, longest total first. */
    readonly nodes: ReadonlyArray<{
      readonly name: string;
      readonly opType: string;
      readonly provider: string;
      readonly calls: number;
      readonly totalUs: number;
    }>;
    /** model_run events analysed. */
    readonly runs: number;
    /** Set by TrainLens's own profiling (absent for a profile file opened alone). */
    readonly session?: OnnxSessionOptions;
    readonly requestedProvider?: string;
    readonly cores?: number;
    /** Nodes in the model before and after ORT's graph optimizations, when known. */
    readonly graphNodes?: { readonly before: number; readonly after: number };
  };
  /** Facts about where the profile was taken (label, value), beyond the devices: backend, CPU, versions. */
  readonly environment?: ReadonlyArray<readonly [string, string]>;
  /** The spans on their tracks, when the profile was loaded for the timeline view (`loadProfile(…, { spans })`). */
  readonly timeline?: ProfileTimeline;
  /**
   * Holistic Trace Analysis's temporal and idle time breakdowns and kernel launch statistics, by HTA's definitions
   * (src/analysis/hta), for Kineto traces with GPU events.
   */
  readonly hta?: HtaAnalysis;
  /**
   * Communication and computation kernel time and their overlap (HTA's definition) within the analysed steps, and
   * the collectives over the whole trace (Kineto traces with collectives): what the multi-rank analysis compares.
   */
  readonly comms?: RankComms;
  /** What reading the trace left out or converted under the Trace Event Format's rules, with counts. */
  readonly ingest?: IngestReport;
  /** Events read and bytes of JSON, for the report's footer. */
  readonly stats: { readonly events: number; readonly bytes: number };
}
