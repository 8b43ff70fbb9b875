import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TrainConfig } from '../config/types';
import { validateConfigText } from '../config/validate';
import { TuneError, type TuneOptions } from './options';
import { TuningSession } from './session';
import { searchSpaceOf } from './space';
import type { TrialOptions } from './trial';
import type { SearchSpace, TuneResult } from './types';
import { makeDirectory } from '../files/safeFiles';

/** The objective and, for a target loss, the loss to reach: the options win over `tuning` in the config. */
interface Goal {
  readonly objective: TuneResult['objective'];
  readonly targetLoss: number | undefined;
}

/**
 * Reads and validates the config, settles the objective, the search space and the budget, and creates the tuning
 * folder. The clock starts before the config is read, so the budget covers the whole tuning. Errors in the config
 * are {@link TuneError}s, thrown before any folder is created.
 */
export function openSession(options: TuneOptions): TuningSession {
  const started = performance.now();
  const baseText = readFileSync(options.configPath, 'utf8');
  const config = validConfig(options.configPath, baseText);
  const goal = goalOf(options, config);
  const space = spaceFor(options, config, goal);
  const budgetMs = (options.budgetSeconds ?? config.tuning?.budget_seconds ?? 300) * 1000;
  const workDir = join(
    options.workRoot ?? join(dirname(options.configPath), '.trainlens', 'tuning'),
    `${basename(options.configPath).replace(/\.ya?ml$/, '')}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  makeDirectory(workDir, 'the tuning folder');
  const trialOptions = trialOptionsOf(options, config, { baseText, workDir, budgetMs, space, goal });
  return new TuningSession({
    options,
    started,
    baseText,
    config,
    objective: goal.objective,
    space,
    budgetMs,
    workDir,
    trialOptions,
  });
}

/** The config the text validates to; a config with errors names its first one, since tuning it would be wasted. */
function validConfig(configPath: string, text: string): TrainConfig {
  const validation = validateConfigText(text, { configPath });
  if (validation.config) return validation.config;
  const first = validation.diagnostics.find((d) => d.severity === 'error');
  throw new TuneError(
    `${configPath}: the config has errors${first ? ` (line ${first.range.start.line}: ${first.message})` : ''}; fix them before tuning`,
  );
}

/** The objective to optimize; a time to loss without a target loss cannot be measured, so it is refused here. */
function goalOf(options: TuneOptions, config: TrainConfig): Goal {
  const tuning = config.tuning ?? {};
  const objective = options.objective ?? tuning.objective ?? 'throughput';
  const targetLoss = options.targetLoss ?? tuning.target_loss;
  if (objective === 'time_to_loss' && targetLoss === undefined)
    throw new TuneError(
      `${options.configPath}: the objective time_to_loss needs a target: set tuning.target_loss (or --target-loss)`,
    );
  return { objective, targetLoss };
}

/** The config's search space for this objective. */
function spaceFor(options: TuneOptions, config: TrainConfig, goal: Goal): SearchSpace {
  const found = searchSpaceOf(config, options.environment, options.findings);
  if (goal.objective !== 'time_to_loss') return found;
  // To a target loss the loss must be read often, and how often is no longer a setting to tune.
  return {
    ...found,
    grid: found.grid.filter((d) => d.path !== 'monitoring.log_every'),
    fixed: { ...found.fixed, 'monitoring.log_every': 5 },
  };
}

/** What the trial options are derived from besides the caller's options and the config. */
interface TrialContext {
  readonly baseText: string;
  readonly workDir: string;
  readonly budgetMs: number;
  readonly space: SearchSpace;
  readonly goal: Goal;
}

/**
 * How every trial of the session runs: the caller's engine and overrides first, then `tuning.trials` in the config,
 * then defaults. A trial may take a quarter of the budget (at least 30 s) before it counts as timed out.
 */
function trialOptionsOf(options: TuneOptions, config: TrainConfig, context: TrialContext): TrialOptions {
  const tuning = config.tuning ?? {};
  const { goal } = context;
  return {
    enginePath: options.enginePath,
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    ...(options.execPath ? { execPath: options.execPath } : {}),
    ...(options.nativeModulesPath ? { nativeModulesPath: options.nativeModulesPath } : {}),
    baseText: context.baseText,
    configPath: options.configPath,
    workDir: context.workDir,
    warmupSteps: options.warmupSteps ?? tuning.trials?.warmup_steps ?? 5,
    measureSteps: options.measureSteps ?? tuning.trials?.measure_steps ?? 30,
    maxRepeats: tuning.trials?.max_repeats ?? 3,
    noiseThreshold: tuning.trials?.noise_threshold ?? 0.1,
    timeoutMs: Math.max(30_000, context.budgetMs / 4),
    fixed: context.space.fixed,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProcess ? { onProcess: options.onProcess } : {}),
    ...(tuning.memory_cap_mb !== undefined ? { capBytes: tuning.memory_cap_mb * 1024 * 1024 } : {}),
    ...(goal.objective === 'time_to_loss' && goal.targetLoss !== undefined ? { targetLoss: goal.targetLoss } : {}),
  };
}
