import type { Finding } from '../protocol/types';
import type { SpaceEnvironment } from './space';
import type { TrialOptions } from './trial';
import type { Trial } from './types';

/** What `tune` needs: the config, the engine, the machine, and how to report. */
export interface TuneOptions {
  readonly configPath: string;
  readonly enginePath: string;
  readonly execArgv?: readonly string[];
  readonly execPath?: string;
  readonly nativeModulesPath?: string;
  readonly environment: SpaceEnvironment;
  /** Findings of a first profile (they widen the defaults, e.g. deeper prefetch when input-bound). */
  readonly findings?: readonly Finding[];
  /** Overrides `tuning.budget_seconds`. */
  readonly budgetSeconds?: number;
  /** Overrides `tuning.objective` and `tuning.target_loss`. */
  readonly objective?: 'throughput' | 'time_to_loss';
  readonly targetLoss?: number;
  /** Overrides `tuning.trials.measure_steps` and `warmup_steps` (benchmarks, tests). */
  readonly measureSteps?: number;
  readonly warmupSteps?: number;
  /** Where the tuning folders go; `.trainlens/tuning` next to the config by default. */
  readonly workRoot?: string;
  readonly signal?: AbortSignal;
  readonly onTrial?: (trial: Trial) => void;
  readonly onMessage?: (message: string) => void;
  readonly onProcess?: TrialOptions['onProcess'];
}

/** An error with the config (it does not validate); the message names the file. */
export class TuneError extends Error {}
