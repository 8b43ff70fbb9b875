import { rmSync } from 'node:fs';
import type { TrainConfig } from '../config/types';
import type { TuneOptions } from './options';
import { runTrial, type TrialOptions } from './trial';
import type { Params, SearchSpace, Trial, TuneResult } from './types';

/** A result counts as better when it beats the best by more than this share. */
const BETTER = 0.03;

/** What a session is opened with: the validated config and everything derived from it before the first trial. */
export type SessionPlan = Pick<
  TuningSession,
  'options' | 'started' | 'baseText' | 'config' | 'objective' | 'space' | 'budgetMs' | 'workDir' | 'trialOptions'
>;

/** Whether a score beats a reference by more than the noise margin ({@link BETTER}). */
export function clearlyBetter(score: number, reference: number): boolean {
  return score > reference * (1 + BETTER);
}

/** The config path of the batch size, the one setting the batch-size finder owns. */
const BATCH_PATH = 'data.batch_size';

/**
 * One tuning in progress: what the phases share. It numbers and records the trials (reporting each as it
 * finishes), runs them, keeps the budget and deadline accounting (and why the search stopped), scores trials by
 * the objective, and cleans up after a cancellation.
 */
export class TuningSession {
  readonly options: TuneOptions;
  /** When the tuning started (`performance.now()`), before the config was read: the budget counts from here. */
  readonly started: number;
  /** The user's YAML as read, and the config it validated to. */
  readonly baseText: string;
  readonly config: TrainConfig;
  readonly objective: TuneResult['objective'];
  /** The search space, with the log interval fixed when the objective is a target loss. */
  readonly space: SearchSpace;
  readonly budgetMs: number;
  /** The tuning folder (already created): trial configs, run records and `tune.json`. */
  readonly workDir: string;
  /** How every trial runs; phases override only the measured steps. */
  readonly trialOptions: TrialOptions;
  private readonly recorded: Trial[] = [];
  private stop: TuneResult['stoppedBy'] = 'done';

  constructor(plan: SessionPlan) {
    this.options = plan.options;
    this.started = plan.started;
    this.baseText = plan.baseText;
    this.config = plan.config;
    this.objective = plan.objective;
    this.space = plan.space;
    this.budgetMs = plan.budgetMs;
    this.workDir = plan.workDir;
    this.trialOptions = plan.trialOptions;
  }

  /** Every trial so far, in the order they finished (ids are 1-based positions in this list). */
  get trials(): readonly Trial[] {
    return this.recorded;
  }

  /** Why the search stopped: `done` unless a budget check found the budget spent or the tuning cancelled. */
  get stoppedBy(): TuneResult['stoppedBy'] {
    return this.stop;
  }

  /** Reports progress to the caller (the CLI's stderr, the editor's progress notification). */
  say(message: string): void {
    this.options.onMessage?.(message);
  }

  /** Milliseconds since the tuning started. */
  elapsed(): number {
    return performance.now() - this.started;
  }

  /**
   * Whether the search must stop before another trial: cancelled, or the budget is spent. It records why, so the
   * result can say it; phases call it before each trial they might start.
   */
  overBudget(): boolean {
    if (this.options.signal?.aborted) this.stop = 'cancelled';
    else if (this.elapsed() >= this.budgetMs) this.stop = 'budget';
    else return false;
    return true;
  }

  /** The objective as "higher is better": samples/s, or the inverse of the time to loss. */
  score(trial: Trial): number {
    if (this.objective !== 'time_to_loss') return trial.samplesPerSec;
    return trial.timeToLossMs !== undefined && trial.timeToLossMs > 0 ? 1e6 / trial.timeToLossMs : 0;
  }

  /** `params` at another batch size, with the accumulation that keeps the effective batch when the config asks. */
  withBatch(params: Params, batch: number): Params {
    return { ...params, [BATCH_PATH]: batch, ...accumulationFor(this.config, batch) };
  }

  /** Runs and records the next trial; `steps` replaces the measured steps (the short rung of the halving). */
  async run(params: Params, phase: Trial['phase'], steps?: number, minRuns = 1): Promise<Trial> {
    const options = steps ? { ...this.trialOptions, measureSteps: steps } : this.trialOptions;
    return this.record(await runTrial(options, this.recorded.length + 1, params, phase, minRuns));
  }

  /** Records a trial that is not run because its predicted memory is over the cap. */
  pruned(params: Params, phase: Trial['phase'], predicted: number): Trial {
    return this.record({
      id: this.recorded.length + 1,
      params,
      samplesPerSec: 0,
      stepMs: { p50: 0, p90: 0 },
      peakMemoryBytes: predicted,
      status: 'pruned',
      reason: `predicted ${(predicted / 1024 ** 2).toFixed(0)} MiB is over the memory cap (tuning.memory_cap_mb ${this.config.tuning?.memory_cap_mb})`,
      repeats: 0,
      spread: 0,
      wallMs: 0,
      phase,
    });
  }

  /** Ends the session: a cancelled tuning leaves nothing behind, so its folder goes. */
  close(): void {
    if (this.options.signal?.aborted) rmSync(this.workDir, { recursive: true, force: true });
  }

  private record(trial: Trial): Trial {
    this.recorded.push(trial);
    this.options.onTrial?.(trial);
    return trial;
  }
}

/** With `tuning.keep_effective_batch`, the accumulation that keeps batch × accumulation as written. */
function accumulationFor(config: TrainConfig, batch: number): Params {
  if (!config.tuning?.keep_effective_batch) return {};
  const effective = config.data.batch_size * (config.training.gradient_accumulation ?? 1);
  const steps = Math.max(1, Math.round(effective / batch));
  return steps === (config.training.gradient_accumulation ?? 1) && batch === config.data.batch_size
    ? {}
    : { 'training.gradient_accumulation': steps };
}
