/**
 * ONNX models: the shapes the engine's ONNX Runtime sessions, the host's profile and tuning, the CLI's
 * `trainlens onnx --json`, the custom editor and the panels share. Types only: the webviews import this file.
 */

/** A dimension of a tensor shape: a size, or the name of a symbolic dim (`batch`, `N`); `?` when unnamed. */
export type OnnxDim = number | string;

/** A graph input or output as the model declares it. */
export interface OnnxValueInfo {
  readonly name: string;
  /** ONNX Runtime's tensor type name: `float32`, `int64`, `string`, … (`sequence`, `map` for non-tensors). */
  readonly dtype: string;
  readonly shape: readonly OnnxDim[];
}

/** What the model file says (read from its protobuf, before any session). */
export interface OnnxModelSummary {
  readonly path: string;
  readonly bytes: number;
  readonly irVersion: number;
  readonly producer?: string;
  /** Opset imports: `ai.onnx` for the default domain. */
  readonly opsets: ReadonlyArray<{ readonly domain: string; readonly version: number }>;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** Nodes of the main graph (subgraphs counted in `opTypes` too). */
  readonly nodes: number;
  /** Node count by op type, most first; `domain` is `ai.onnx` for the default domain. */
  readonly opTypes: ReadonlyArray<{ readonly opType: string; readonly domain: string; readonly count: number }>;
  readonly initializers: { readonly count: number; readonly bytes: number };
  /** Files named by external-data initializers, relative to the model's folder. */
  readonly externalData: ReadonlyArray<{ readonly file: string; readonly bytes: number; readonly present: boolean }>;
  /** After ONNX Runtime's graph optimizations (its optimized-model output), when they were run. */
  readonly optimized?: {
    readonly level: OnnxGraphOptimizationLevel;
    readonly nodes: number;
    /** Op types whose count changed: `before` in the file, `after` optimization (fusions show as new types). */
    readonly changed: ReadonlyArray<{ readonly opType: string; readonly before: number; readonly after: number }>;
  };
}

/** ONNX Runtime's graph optimization levels. */
export type OnnxGraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Session settings TrainLens measures and tunes (ONNX Runtime's defaults where a field is absent). */
export interface OnnxSessionOptions {
  /** Execution provider: `cpu`, `cuda`, `tensorrt`, `webgpu`, … */
  readonly provider: string;
  readonly intraOpThreads?: number;
  readonly interOpThreads?: number;
  readonly executionMode?: 'sequential' | 'parallel';
  readonly graphOptimizationLevel?: OnnxGraphOptimizationLevel;
  readonly enableMemPattern?: boolean;
  readonly enableCpuMemArena?: boolean;
  /** Whether intra-op threads spin while waiting for work (`session.intra_op.allow_spinning`; ORT's default on). */
  readonly allowSpinning?: boolean;
}

/** How the inputs of a run are made. */
export interface OnnxInputSpec {
  /** Symbolic dim name → size (`--dim batch=8`). */
  readonly dims?: Readonly<Record<string, number>>;
  /** Input name → full shape (`--input Input3=1x1x28x28`). */
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
  /** A `.json` (input name → nested array or {dims, data}) or `.npy` file (single input) with real values. */
  readonly file?: string;
  /** Seed of the synthesized values (default 1). */
  readonly seed?: number;
}

/** A feed as it was given to the session. */
export interface OnnxFeed {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** `synthetic` (seeded) or the file it came from. */
  readonly source: string;
}

/** Latency of measured runs, in milliseconds. */
export interface OnnxLatency {
  readonly runs: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  /** Relative spread: (p90 − p10) / p50. */
  readonly spread: number;
  /** Inferences per second (runs × batch ÷ time), batch being the leading dim of the first input. */
  readonly throughput: number;
  /** How many measurement rounds ran (a noisy first round is repeated). */
  readonly rounds: number;
}

/** An execution provider and whether this machine's ONNX Runtime build can use it. */
export interface OnnxProviderInfo {
  readonly name: string;
  readonly available: boolean;
  /** Why not, naming the fix, when it is not. */
  readonly reason?: string;
}

/** Kinds of ONNX failures, so callers decide by kind and never by message text. */
export type OnnxErrorKind =
  | 'not-onnx'
  | 'truncated'
  | 'too-large'
  | 'not-a-file'
  | 'custom-op'
  | 'external-data'
  | 'unresolved-dims'
  | 'input-shape'
  | 'input-file'
  | 'dtype'
  | 'provider'
  | 'cancelled'
  | 'session';

/** The `data` of an ONNX JSON-RPC error (code {@link ONNX_ERROR_CODE}). */
export interface OnnxErrorData {
  readonly kind: OnnxErrorKind;
  /** The node, input or file the error is about, when there is one. */
  readonly subject?: string;
  /** The way out, in one sentence. */
  readonly hint?: string;
}

/** JSON-RPC error code of ONNX failures (application range). */
export const ONNX_ERROR_CODE = -32010;

/** One ONNX tuning trial: session settings, their measured latency and status. */
export interface OnnxTrial {
  readonly id: number;
  readonly options: OnnxSessionOptions;
  /** The batch size when the batch dim is symbolic and tuned. */
  readonly batch?: number;
  readonly latencyMs?: OnnxLatency;
  readonly status: 'ok' | 'pruned' | 'failed';
  readonly reason?: string;
}

/** The tuning's outcome (`tuning` in `trainlens onnx --tune --json`). */
export interface OnnxTuning {
  readonly objective: 'latency' | 'throughput';
  readonly default: OnnxTrial;
  readonly best: OnnxTrial;
  /** Default ÷ best latency (or best ÷ default throughput), from the side-by-side re-measurement. */
  readonly speedup: number;
  readonly trials: readonly OnnxTrial[];
  /** The best settings as code: `ort.InferenceSession.create(path, {…})` and Python's `SessionOptions`. */
  readonly snippet: { readonly javascript: string; readonly python: string };
  /** Where the options file was written, when it was. */
  readonly optionsFile?: string;
  readonly stoppedBy: 'budget' | 'cancelled' | 'done';
}

/** Per-op-type time (the CLI contract's `ops`). */
export interface OnnxOpRow {
  readonly opType: string;
  readonly ms: number;
  readonly percent: number;
  readonly count: number;
}

/** Per-node time (the CLI contract's `nodes`), mean per run. */
export interface OnnxNodeRow {
  readonly name: string;
  readonly opType: string;
  readonly provider: string;
  readonly ms: number;
  readonly percent: number;
  /** Calls per run (1 unless the node is in a loop). */
  readonly count: number;
}
