/**
 * Data shapes shared by the engine, the extension host, the CLI and the webviews.
 *
 * This file holds types only: no logic, no Node, no `vscode`. Every later capability (runs, profiles, findings,
 * trials) speaks in these shapes so that the CLI's JSON output, the engine's events and the panels agree.
 */

/** Severity of a finding; the CLI contract's JSON uses exactly these words. */
export type Severity = 'high' | 'medium' | 'low' | 'info';

/** A change to the training config that fixes a finding: a dotted YAML path and the value to write there. */
export interface ConfigFix {
  /** Dotted path into the config, e.g. `data.prefetch`. */
  readonly path: string;
  /** The new value, as it would be written in YAML. */
  readonly value: string | number | boolean | null;
  /** One sentence explaining the change, shown next to the Apply button. */
  readonly description: string;
}

/** A diagnosis produced by an analysis rule: what is wrong, the numbers that show it, and how to fix it. */
export interface Finding {
  /** Stable kebab-case id, e.g. `input-bound`. */
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  /** The measured numbers and the thresholds they were compared with. */
  readonly evidence: Readonly<Record<string, number | string>>;
  readonly fix?: ConfigFix;
  /**
   * The fix as code. For findings on ONNX sessions: the options object of `ort.InferenceSession.create(path, {…})`
   * (`javascript`) and the Python `SessionOptions` lines (`so` is the options object). For findings on PyTorch
   * traces: the PyTorch code (`python` only), e.g. the `DataLoader(…)` of an input-bound trace.
   */
  readonly code?: FindingCode;
}

/** A finding's fix as code: Python always, JavaScript where the fix has a JavaScript form (ONNX Runtime for Node). */
export interface FindingCode {
  readonly javascript?: string;
  readonly python: string;
}

/** Why a backend candidate can or cannot be used on this machine. */
export type BackendStatus = 'installed' | 'missing' | 'unusable';

/** The TF.js backends TrainLens knows, in the order `engine.backend: auto` tries them. */
export type { BackendName } from './backends';
import type { BackendName } from './backends';
import type { OnnxProviderInfo } from './onnx';

/** One row of the backend table: a candidate, whether it can be used and why not. */
export interface BackendCandidate {
  readonly name: BackendName;
  /** The npm package that provides it. */
  readonly packageName: string;
  readonly status: BackendStatus;
  /** Installed version, when found. */
  readonly version?: string;
  /** Where it was resolved from, when found. */
  readonly resolvedFrom?: string;
  /** Human-readable reason when `status` is not `installed`, naming the fix. */
  readonly reason?: string;
}

/** A GPU as reported by `nvidia-smi`. */
export interface GpuInfo {
  readonly name: string;
  readonly memoryTotalBytes: number;
  readonly memoryUsedBytes: number;
  readonly utilizationPercent: number;
  readonly driverVersion: string;
}

/** Facts about the machine and the installed runtimes, reported by the engine at start-up and by `trainlens doctor`. */
export interface EnvironmentReport {
  readonly trainlensVersion: string;
  readonly os: { readonly platform: string; readonly release: string; readonly arch: string };
  readonly cpu: { readonly model: string; readonly cores: number };
  readonly memory: { readonly totalBytes: number; readonly freeBytes: number };
  readonly node: { readonly version: string; readonly execPath: string };
  /** Candidates in the order `auto` tries them. */
  readonly backends: readonly BackendCandidate[];
  /** ONNX Runtime for Node, used to profile `.onnx` models. */
  readonly onnxRuntime: {
    readonly status: BackendStatus;
    readonly version?: string;
    readonly reason?: string;
    /** Its execution providers, and why each unusable one cannot run here. */
    readonly providers?: readonly OnnxProviderInfo[];
  };
  /** GPUs seen by `nvidia-smi`; empty with a reason when none. */
  readonly gpus: readonly GpuInfo[];
  readonly gpuReason?: string;
}

/** The outcome of one training run, as the CLI's `run --json` prints it. */
export interface RunSummary {
  readonly runDir: string;
  readonly backend: BackendName;
  readonly status: 'completed' | 'stopped' | 'failed';
  readonly steps: number;
  readonly samplesPerSec: number;
  readonly peakMemoryBytes: number;
  readonly finalLoss: number | null;
}

/** One event of the Chrome trace-event format (what Perfetto and chrome://tracing open). */
export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'B' | 'E' | 'i' | 'I' | 'C' | 'M';
  /** Microseconds. */
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number | string;
  readonly tid: number | string;
  readonly cat?: string;
  readonly args?: Readonly<Record<string, unknown>>;
}
