/**
 * The tuner's shapes: the CLI contract's Trial and result (`trainlens tune --json`), and what a search space is.
 * No logic here.
 */

/** A value a tuned setting can take. */
export type ParamValue = number | string | boolean;

/** Settings of one trial: config path → value (e.g. `data.batch_size` → 128). */
export type Params = Readonly<Record<string, ParamValue>>;

/** How a trial ended. */
export type TrialStatus = 'ok' | 'oom' | 'nan' | 'timeout' | 'pruned' | 'failed' | 'interrupted';

/** One measured (or pruned) configuration, as the CLI contract prints it. */
export interface Trial {
  readonly id: number;
  readonly params: Params;
  /** Samples per second over the measured steps (after the warm-up); 0 when not measured. */
  readonly samplesPerSec: number;
  /** Objective time to loss: milliseconds from the start of training until the loss reached the target. */
  readonly timeToLossMs?: number;
  readonly stepMs: { readonly p50: number; readonly p90: number };
  /** Peak tensor memory measured, or the prediction for a pruned trial. */
  readonly peakMemoryBytes: number;
  readonly status: TrialStatus;
  /** Why it is not ok, when it is not. */
  readonly reason?: string;
  /** How many times it ran (repeats when the noise between runs was high) and the relative spread. */
  readonly repeats: number;
  readonly spread: number;
  /** Wall time the trial took, ms (0 for pruned trials). */
  readonly wallMs: number;
  /** The strategy that proposed it: baseline, batch-size, grid. */
  readonly phase: 'baseline' | 'batch-size' | 'grid';
}

/** One dimension of the search: a config path and the values to try. */
export interface Dimension {
  readonly path: string;
  readonly values: readonly ParamValue[];
}

/** What the tuner searches. */
export interface SearchSpace {
  /** Batch sizes the finder may use (ascending); it grows from the config's own. */
  readonly batchSizes: readonly number[];
  /** The other settings, tried on a grid at the chosen batch size. */
  readonly grid: readonly Dimension[];
  /** Settings every trial gets (measurement hygiene: no profiler, no checkpoints, no validation). */
  readonly fixed: Params;
}

/** The tuner's outcome: the contract's JSON plus what the editor needs to apply it. */
export interface TuneResult {
  /** What was optimized: samples per second, or the time to reach `tuning.target_loss`. */
  readonly objective: 'throughput' | 'time_to_loss';
  readonly baseline: Trial;
  readonly best: Trial;
  /** best ÷ baseline samples per second, or baseline ÷ best time to loss. */
  readonly speedup: number;
  readonly trials: readonly Trial[];
  /** Unified diff of the user's YAML, baseline → best. */
  readonly diff: string;
  /** The YAML with the best settings applied (what `--write` and Apply write). */
  readonly bestText: string;
  /** Changes to the effective batch and the learning-rate rule to consider, when the batch changed. */
  readonly notes: readonly string[];
  /** Whether it stopped because the budget ran out, was cancelled, or searched everything. */
  readonly stoppedBy: 'budget' | 'cancelled' | 'done';
  readonly elapsedMs: number;
}
