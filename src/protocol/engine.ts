/**
 * The engine ↔ extension-host protocol.
 *
 * The extension host never trains: it starts the engine as a child process and talks to it with JSON-RPC
 * (vscode-jsonrpc over the child's IPC channel). Each message is one namespace with a literal method name, its
 * parameter and result types, and a comment saying who sends it. `docs/protocol.md` mirrors this file and a unit
 * test keeps the two in sync.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { EnvironmentReport, RunSummary } from './types';
import type { RequestedBackend } from './backends';
import type { RunFailureInfo } from './runRecord';
import type {
  OnnxFeed,
  OnnxInputSpec,
  OnnxLatency,
  OnnxModelSummary,
  OnnxProviderInfo,
  OnnxSessionOptions,
} from './onnx';

/** Bumped whenever a message changes shape; the host refuses an engine that speaks another version. */
export const ENGINE_PROTOCOL_VERSION = 2;

/** Error codes the engine puts in JSON-RPC error responses (application range, see JSON-RPC 2.0 §5.1). */
export const EngineErrorCodes = {
  /** The host asked for something this engine build does not provide yet. */
  notAvailable: -32001,
  /** The config could not be read or is invalid. */
  invalidConfig: -32002,
  /** A run with this id is not known to the engine. */
  unknownRun: -32003,
  /** The host and the engine speak different protocol versions. */
  protocolMismatch: -32004,
} as const;

/** Sent by the host right after starting the engine; the engine answers with its version and the environment. */
export namespace InitializeRequest {
  export const method = 'engine/initialize' as const;
  export interface Params {
    readonly protocolVersion: number;
    /** Who started the engine, e.g. `vscode 1.100.3` or `trainlens-cli`. */
    readonly clientName: string;
    /** Extra folder to resolve optional native packages (tfjs-node, tfjs-node-gpu) from. */
    readonly nativeModulesPath?: string;
  }
  export interface Result {
    readonly protocolVersion: number;
    readonly engineVersion: string;
    readonly pid: number;
    readonly environment: EnvironmentReport;
  }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Sent by the host to probe the machine again (e.g. the environment panel's Refresh); answered with a fresh report. */
export namespace EnvironmentRequest {
  export const method = 'engine/environment' as const;
  export const type = new RequestType0<EnvironmentReport, void>(method);
}

/**
 * What to run: one typed object that goes as it is through every hop (the CLI's flags or the extension's command →
 * `run/start` → the engine's run), so no hop copies its optional fields by hand.
 */
export interface RunOptions {
  /** Absolute path of the training YAML. */
  readonly configPath: string;
  /** Folder that receives the run directory; defaults to `.trainlens/runs` next to the config. */
  readonly outDir?: string;
  readonly steps?: number;
  readonly epochs?: number;
  readonly backend?: RequestedBackend;
  /** A run directory to continue, or `latest`. */
  readonly resume?: string;
  /** Record a trace and analyse it when the run ends. */
  readonly profile?: boolean;
  /**
   * Measure the steps after this many (a tuning trial's warm-up): run.json's `timing.measured` then has their
   * samples per second and step-time percentiles.
   */
  readonly measureAfter?: number;
  /**
   * Run even when the predicted memory of a step is over `engine.memory_limit_mb` or the machine's (or GPU's)
   * memory; without it such a run fails at once as a `config` failure, before the model is built.
   */
  readonly force?: boolean;
}

/** Sent by the host to start a training (or profiling) run; the engine answers once the run is accepted. */
export namespace StartRunRequest {
  export const method = 'run/start' as const;
  export type Params = RunOptions;
  export interface Result {
    readonly runId: string;
    readonly runDir: string;
  }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Sent by the host to stop a run: graceful (emergency checkpoint) unless `force`. */
export namespace CancelRunRequest {
  export const method = 'run/cancel' as const;
  export interface Params {
    readonly runId: string;
    readonly force?: boolean;
  }
  export interface Result {
    readonly accepted: boolean;
  }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Sent by the host before it disconnects; the engine finishes pending writes and exits. */
export namespace ShutdownRequest {
  export const method = 'engine/shutdown' as const;
  export const type = new RequestType0<void, void>(method);
}

/** Sent by the engine as a run advances (at most a few times per second). */
export namespace ProgressNotification {
  export const method = 'run/progress' as const;
  export interface Params {
    readonly runId: string;
    readonly step: number;
    readonly totalSteps: number;
    readonly epoch: number;
    readonly samplesPerSec: number;
    /** Estimated milliseconds left, when known. */
    readonly etaMs?: number;
  }
  export const type = new NotificationType<Params>(method);
}

/** Sent by the engine every `monitoring.log_every` steps with the values read from the device. */
export namespace MetricsNotification {
  export const method = 'run/metrics' as const;
  export interface Params {
    readonly runId: string;
    readonly step: number;
    /** Metric name → value, e.g. `loss`, `val_loss`, `accuracy`, `lr`. */
    readonly values: Readonly<Record<string, number>>;
  }
  export const type = new NotificationType<Params>(method);
}

/** Sent by the engine on each memory sample (interval from `monitoring.memory_interval_ms`). */
export namespace MemorySampleNotification {
  export const method = 'run/memorySample' as const;
  export interface Params {
    readonly runId: string;
    /** Milliseconds since the run started. */
    readonly tMs: number;
    readonly tensors: number;
    readonly tensorBytes: number;
    readonly rssBytes: number;
    readonly heapUsedBytes: number;
    /** GPU 0's memory in use and utilization (nvidia-smi), when the machine has an NVIDIA GPU. */
    readonly gpuUsedBytes?: number;
    readonly gpuUtilizationPercent?: number;
  }
  export const type = new NotificationType<Params>(method);
}

/** Sent by the engine once when a run ends normally or by cancellation. */
export namespace RunFinishedNotification {
  export const method = 'run/finished' as const;
  export interface Params {
    readonly runId: string;
    readonly summary: RunSummary;
  }
  export const type = new NotificationType<Params>(method);
}

/** Sent by the engine once when a run fails: the failure's kind and message, as run.json's `failure` holds them. */
export namespace RunFailedNotification {
  export const method = 'run/failed' as const;
  export interface Params extends RunFailureInfo {
    readonly runId: string;
  }
  export const type = new NotificationType<Params>(method);
}

/** Sent by the engine for diagnostics meant for the output channel (the engine never writes to stdout/stderr). */
export namespace LogNotification {
  export const method = 'engine/log' as const;
  export interface Params {
    readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
    readonly message: string;
  }
  export const type = new NotificationType<Params>(method);
}

/** Sent by the engine right before it exits, so the host can tell a crash from a requested exit. */
export namespace ExitingNotification {
  export const method = 'engine/exiting' as const;
  export interface Params {
    readonly code: number;
    readonly reason: string;
  }
  export const type = new NotificationType<Params>(method);
}

// An ONNX model's summary from its file, the execution providers this ONNX Runtime build has, and (with
// `optimize`) the node count after ORT's graph optimizations. Fails with `ONNX_ERROR_CODE` and `OnnxErrorData`.
/** Sent by the host to read an ONNX model (summary, providers, optimized node count). */
export namespace OnnxInspectRequest {
  export const method = 'onnx/inspect' as const;
  export interface Params {
    readonly modelPath: string;
    /** Also run ORT's graph optimizations (level `all`) and count the nodes after them. */
    readonly optimize?: boolean;
  }
  export interface Result {
    readonly summary: OnnxModelSummary;
    readonly providers: readonly OnnxProviderInfo[];
    readonly cores: number;
    readonly ortVersion: string;
  }
  export const type = new RequestType<Params, Result, void>(method);
}

// Warm-up runs, then measured runs (or a time budget), optionally with ORT's profiler on. Progress comes as
// `onnx/progress`; `onnx/cancel` stops it.
/** Sent by the host to measure one fresh ONNX Runtime session. */
export namespace OnnxMeasureRequest {
  export const method = 'onnx/measure' as const;
  export interface Params {
    /** Chosen by the host, to route progress and cancel. */
    readonly id: string;
    readonly modelPath: string;
    readonly session: OnnxSessionOptions;
    readonly inputs: OnnxInputSpec;
    /** Overrides the leading (batch) dim of every input whose first dim is symbolic. */
    readonly batch?: number;
    readonly warmup: number;
    /** Measured runs; with `budgetMs`, the most runs (the budget ends measuring earlier). */
    readonly runs: number;
    readonly budgetMs?: number;
    /** A noisy round (spread above this) is measured again, up to `maxRounds` (default 1: no repeat). */
    readonly noiseThreshold?: number;
    readonly maxRounds?: number;
    /** With ORT's profiler on: the folder (existing) that receives the profile file. */
    readonly profileDir?: string;
  }
  export interface Result {
    readonly latency: OnnxLatency;
    readonly feeds: readonly OnnxFeed[];
    readonly sessionCreateMs: number;
    /** The profile ORT wrote at release, when profiling. */
    readonly profileFile?: string;
  }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Sent by the host to stop a measurement (the session is released; the request fails with kind `cancelled`). */
export namespace OnnxCancelRequest {
  export const method = 'onnx/cancel' as const;
  export interface Params {
    readonly id: string;
  }
  export interface Result {
    readonly accepted: boolean;
  }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Sent by the engine as a measurement advances (at most a few times per second). */
export namespace OnnxProgressNotification {
  export const method = 'onnx/progress' as const;
  export interface Params {
    readonly id: string;
    readonly phase: 'load' | 'warmup' | 'measure' | 'release';
    readonly done: number;
    readonly total: number;
  }
  export const type = new NotificationType<Params>(method);
}
