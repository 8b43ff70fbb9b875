/**
 * The host side of ONNX profiling and tuning: what a caller (the CLI, the extension, the benchmark) asks for and
 * what it gets back. `OnnxReport` is the CLI contract's `trainlens onnx --json`. Types only.
 */
import type { AnalysisReport } from '../protocol/analysis';
import type {
  OnnxFeed,
  OnnxInputSpec,
  OnnxLatency,
  OnnxModelSummary,
  OnnxNodeRow,
  OnnxOpRow,
  OnnxProviderInfo,
  OnnxSessionOptions,
  OnnxTuning,
} from '../protocol/onnx';

/** What to profile and how. */
export interface OnnxProfileRequest {
  /** Absolute path of the `.onnx` file. */
  readonly modelPath: string;
  readonly session: OnnxSessionOptions;
  readonly inputs: OnnxInputSpec;
  /** Warm-up runs, discarded (default 5). */
  readonly warmup?: number;
  /** Measured runs (default 50), or as many as fit in `budgetMs` when that is given. */
  readonly runs?: number;
  readonly budgetMs?: number;
  /** Folder to keep the ORT profile, the optimized model and `onnx.json` in; a temporary folder otherwise. */
  readonly outDir?: string;
}

/** Callbacks and cancellation for a long ONNX operation. */
export interface OnnxHooks {
  /** A short line of progress ("measure: 20/50 runs"). */
  readonly onMessage?: (message: string) => void;
  /** Progress as a fraction 0–1 of the whole operation, when known. */
  readonly onProgress?: (fraction: number) => void;
  readonly signal?: AbortSignal;
}

/** The profile of one model: the CLI contract's JSON (`model`, `provider`, `latencyMs`, `ops`, `nodes`, `tuning`). */
export interface OnnxReport {
  readonly model: OnnxModelSummary;
  readonly provider: string;
  readonly session: OnnxSessionOptions;
  readonly providers: readonly OnnxProviderInfo[];
  readonly feeds: readonly OnnxFeed[];
  /** Latency without the profiler. */
  readonly latencyMs: OnnxLatency;
  readonly ops: readonly OnnxOpRow[];
  readonly nodes: readonly OnnxNodeRow[];
  /** Latency of the same runs with ORT's profiler on (the runs the node times come from). */
  readonly profiledLatencyMs: OnnxLatency;
  /**
   * Mean per-run sum of node time and its ratio to the mean wall latency of the same (profiled) runs: what the
   * node table accounts for; the rest is per-run work outside nodes (the call, inputs and outputs).
   */
  readonly nodeSumMs: number;
  readonly nodeSumRatio: number;
  /** How much slower runs were with ORT's profiler on: (profiled mean − plain mean) / plain mean, in %. */
  readonly profilingOverheadPercent: number;
  /** The analysis of ORT's own profile, the same shape `trainlens analyze` prints (steps are runs). */
  readonly analysis: AnalysisReport;
  /** The ORT profile file, when it was kept (`outDir`). */
  readonly profileFile?: string;
  readonly tuning?: OnnxTuning;
}

/** What to tune: a profile request plus the objective and the time budget. */
export interface OnnxTuneRequest extends OnnxProfileRequest {
  readonly objective: 'latency' | 'throughput';
  /** Wall time for the whole search and the side-by-side confirmation, ms. */
  readonly budgetMs: number;
}
