/**
 * The run record: `run.json` in a run directory (`.trainlens/runs/<id>/`). The engine is its one writer
 * (`src/engine/run/runRecordWriter.ts`); every reader (the CLI, the analysis importer, the tuner, the extension)
 * reads it through `src/runStore/` with these types, so no reader guesses at its shape or matches message text.
 * Types and constants only: the webviews import this file.
 */
import type { TrainConfig } from '../config/types';
import type { BackendName, EnvironmentReport, RunSummary } from './types';

/**
 * How a run stands. The engine writes `running` until the run ends, then `completed`, `stopped` or `failed`.
 * `interrupted` is never written: a reader derives it from a record that still says `running` while its writer is
 * gone (its process no longer exists on this host, or its heartbeat is older than {@link RUN_HEARTBEAT_STALE_MS}).
 */
export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted';

/** Why a run failed, by kind, so readers decide without matching the message's words. */
export type RunFailureKind = 'oom' | 'nan' | 'data' | 'config' | 'cancelled' | 'internal';

/** A failed (or force-stopped) run's cause. */
export interface RunFailureInfo {
  readonly kind: RunFailureKind;
  /** The whole message: it names the file, the place and the fix. */
  readonly message: string;
  /** The step (1-based) the run was in, when it had started training. */
  readonly step?: number;
  /** The part of the step that failed (out of memory), e.g. `forward_backward`. */
  readonly phase?: string;
  /** The file at fault and the dotted config path, for input problems. */
  readonly file?: string;
  readonly path?: string;
}

/** How far the run got, as of the writer's last heartbeat. */
export interface RunProgressInfo {
  readonly step: number;
  readonly totalSteps: number;
  readonly epoch: number;
}

/** What the engine resolved before training: the backend it chose and why others were skipped, the data pipeline. */
export interface RunResolved {
  readonly backend: BackendName;
  readonly backendVersion?: string;
  readonly skippedBackends: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
  /** The optimization switches the level expanded to (`src/config/levels.ts`). */
  readonly optimization: object;
  readonly unavailableOptimizations: readonly string[];
  readonly dataPipeline: { readonly prefetch: number; readonly workers: number; readonly streamed: boolean };
  readonly totalSteps: number;
  readonly parameters: number;
}

/** A memory event the engine saw during the run (thresholds, leaks, actions it took). */
export interface RunEvent {
  readonly kind: string;
  readonly step?: number;
  readonly message: string;
  readonly evidence?: Readonly<Record<string, number | string>>;
}

/** Step timing of the whole run, and of the measured steps after a tuning trial's warm-up. */
export interface RunTiming {
  readonly meanStepMs: number | null;
  readonly meanDataWaitMs: number | null;
  readonly medianDataWaitMs: number | null;
  readonly dataWaitShare: number | null;
  readonly measured?: {
    readonly steps: number;
    readonly samplesPerSec: number;
    readonly p50StepMs: number;
    readonly p90StepMs: number;
  } | null;
}

/** `run.json`. */
export interface RunRecord {
  /** Bumped when a field changes meaning; readers accept records without it (written before version 1). */
  readonly recordVersion: number;
  readonly id: string;
  /** Absolute path of the training YAML. */
  readonly configPath: string;
  readonly config: TrainConfig;
  readonly status: RunStatus;
  readonly failure?: RunFailureInfo;
  /** The failure's message, or why a run stopped early (early stopping): kept for readers of older records. */
  readonly reason?: string;
  /** The process that writes this record (the engine) and the machine it runs on. */
  readonly enginePid: number;
  readonly host: string;
  /** ISO time of the writer's last heartbeat (every {@link RUN_HEARTBEAT_MS} while running). */
  readonly heartbeatAt: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly progress?: RunProgressInfo;
  readonly resolved?: RunResolved;
  readonly environment?: EnvironmentReport & { readonly tfjs: unknown; readonly git: string | null };
  readonly resumedFromStep?: number;
  readonly events?: readonly RunEvent[];
  readonly timing?: RunTiming;
  readonly summary?: RunSummary;
}

/** The record's current version. */
export const RUN_RECORD_VERSION = 1;

/** How often a running engine rewrites its heartbeat. */
export const RUN_HEARTBEAT_MS = 5_000;

/** A `running` record whose heartbeat is older than this is read as interrupted (its writer was killed elsewhere). */
export const RUN_HEARTBEAT_STALE_MS = 6 * RUN_HEARTBEAT_MS;

/** A record as a reader sees it: `status` may be `interrupted`, and `lastStep` is the furthest step known. */
export interface RunRecordView extends RunRecord {
  /** The last step the run reached: its final step, or for a killed run the last one its files show. */
  readonly lastStep: number;
  /** Why the reader says `interrupted`, e.g. `its engine (pid 4242 on host a) is no longer running`. */
  readonly interruptedBecause?: string;
}
