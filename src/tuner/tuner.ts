import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { applyTextEdits, setConfigValueEdits } from '../config/edit';
import { predictMemory } from '../config/memory';
import type { TrainConfig } from '../config/types';
import { validateConfigText } from '../config/validate';
import type { Finding } from '../protocol/types';
import { gridPoints, searchSpaceOf, type SpaceEnvironment } from './space';
import { runTrial, type TrialOptions } from './trial';
import type { Dimension, Params, Trial, TuneResult } from './types';

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

/** Share a batch size is backed off from the largest that fits, so a long run does not run out of memory. */
export const BATCH_MARGIN = 0.25;
/** Trials without a better result after which a search phase stops. */
export const PATIENCE = 3;
/** A result counts as better when it beats the best by more than this share. */
const BETTER = 0.03;

/**
 * Finds the fastest configuration that fits, with short measured trials in fresh engine processes:
 *
 * 1. the baseline (the config as written), measured twice;
 * 2. the batch-size finder: doubles the batch from the config's own until a trial runs out of memory, the memory
 *    cap or its prediction is exceeded, or the throughput stops improving; then bisects towards the first failure,
 *    and backs off by {@link BATCH_MARGIN} from the largest batch that fit (never choosing one within the margin of
 *    a failure);
 * 3. the other settings on a grid at that batch, by successive halving: every point measured on a third of the
 *    steps, the better half again on all of them, stopping early after {@link PATIENCE} trials without
 *    improvement;
 * 4. the winner measured again (twice) before it is proposed.
 *
 * The objective is samples per second under the memory cap. Trial configs and records stay in a tuning folder; a
 * cancelled tuning removes its folder and leaves no engine process.
 */
export async function tune(options: TuneOptions): Promise<TuneResult> {
  const started = performance.now();
  const baseText = readFileSync(options.configPath, 'utf8');
  const validation = validateConfigText(baseText, { configPath: options.configPath });
  if (!validation.config) {
    const first = validation.diagnostics.find((d) => d.severity === 'error');
    throw new TuneError(
      `${options.configPath}: the config has errors${first ? ` (line ${first.range.start.line}: ${first.message})` : ''}; fix them before tuning`,
    );
  }
  const config = validation.config;
  const tuning = config.tuning ?? {};
  const objective = options.objective ?? tuning.objective ?? 'throughput';
  const targetLoss = options.targetLoss ?? tuning.target_loss;
  if (objective === 'time_to_loss' && targetLoss === undefined)
    throw new TuneError(
      `${options.configPath}: the objective time_to_loss needs a target: set tuning.target_loss (or --target-loss)`,
    );
  const toLoss = objective === 'time_to_loss';
  const found = searchSpaceOf(config, options.environment, options.findings);
  // To a target loss the loss must be read often, and how often is no longer a setting to tune.
  const space = toLoss
    ? {
        ...found,
        grid: found.grid.filter((d) => d.path !== 'monitoring.log_every'),
        fixed: { ...found.fixed, 'monitoring.log_every': 5 },
      }
    : found;
  /** The objective as "higher is better": samples/s, or the inverse of the time to loss. */
  const score = (t: Trial) =>
    toLoss ? (t.timeToLossMs !== undefined && t.timeToLossMs > 0 ? 1e6 / t.timeToLossMs : 0) : t.samplesPerSec;
  const budgetMs = (options.budgetSeconds ?? tuning.budget_seconds ?? 300) * 1000;
  const workDir = join(
    options.workRoot ?? join(dirname(options.configPath), '.trainlens', 'tuning'),
    `${basename(options.configPath).replace(/\.ya?ml$/, '')}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  mkdirSync(workDir, { recursive: true });
  const trialOptions: TrialOptions = {
    enginePath: options.enginePath,
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    ...(options.execPath ? { execPath: options.execPath } : {}),
    ...(options.nativeModulesPath ? { nativeModulesPath: options.nativeModulesPath } : {}),
    baseText,
    configPath: options.configPath,
    workDir,
    warmupSteps: options.warmupSteps ?? tuning.trials?.warmup_steps ?? 5,
    measureSteps: options.measureSteps ?? tuning.trials?.measure_steps ?? 30,
    maxRepeats: tuning.trials?.max_repeats ?? 3,
    noiseThreshold: tuning.trials?.noise_threshold ?? 0.1,
    timeoutMs: Math.max(30_000, budgetMs / 4),
    fixed: space.fixed,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProcess ? { onProcess: options.onProcess } : {}),
    ...(tuning.memory_cap_mb !== undefined ? { capBytes: tuning.memory_cap_mb * 1024 * 1024 } : {}),
    ...(toLoss && targetLoss !== undefined ? { targetLoss } : {}),
  };
  const capBytes = trialOptions.capBytes;
  const trials: Trial[] = [];
  let stoppedBy: TuneResult['stoppedBy'] = 'done';
  const say = (message: string) => options.onMessage?.(message);
  const elapsed = () => performance.now() - started;
  const overBudget = () => {
    if (options.signal?.aborted) stoppedBy = 'cancelled';
    else if (elapsed() >= budgetMs) stoppedBy = 'budget';
    else return false;
    return true;
  };

  const record = (trial: Trial) => {
    trials.push(trial);
    options.onTrial?.(trial);
    return trial;
  };
  const run = async (params: Params, phase: Trial['phase'], steps?: number, minRuns = 1): Promise<Trial> =>
    record(
      await runTrial(
        steps ? { ...trialOptions, measureSteps: steps } : trialOptions,
        trials.length + 1,
        params,
        phase,
        minRuns,
      ),
    );
  const batchPath = 'data.batch_size';
  const withBatch = (params: Params, batch: number): Params => ({
    ...params,
    [batchPath]: batch,
    ...accumulationFor(config, batch),
  });
  const pruned = (params: Params, phase: Trial['phase'], predicted: number): Trial =>
    record({
      id: trials.length + 1,
      params,
      samplesPerSec: 0,
      stepMs: { p50: 0, p90: 0 },
      peakMemoryBytes: predicted,
      status: 'pruned',
      reason: `predicted ${(predicted / 1024 ** 2).toFixed(0)} MiB is over the memory cap (tuning.memory_cap_mb ${tuning.memory_cap_mb})`,
      repeats: 0,
      spread: 0,
      wallMs: 0,
      phase,
    });

  try {
    say('baseline: the config as written');
    const baseline = await run({}, 'baseline', undefined, 2);
    if (baseline.status !== 'ok')
      throw new TuneError(
        `${options.configPath}: the config itself does not train (${baseline.status}: ${baseline.reason ?? 'no measurement'}); fix it before tuning`,
      );

    // 2. Batch size.
    const current = config.data.batch_size;
    let bestBatch = current;
    const okBatches = new Map<number, Trial>([[current, baseline]]);
    let failAt: number | undefined;
    let sinceBetter = 0;
    const tryBatch = async (batch: number): Promise<Trial | undefined> => {
      const predicted = predictedBytes(config, batch);
      if (capBytes !== undefined && predicted !== undefined && predicted > capBytes) {
        pruned(withBatch({}, batch), 'batch-size', predicted);
        return undefined;
      }
      const trial = await run(withBatch({}, batch), 'batch-size');
      return trial.status === 'ok' ? trial : undefined;
    };
    say(`batch size: growing from ${current}`);
    for (const batch of space.batchSizes.filter((b) => b > current)) {
      if (overBudget()) break;
      const trial = await tryBatch(batch);
      if (!trial) {
        failAt = batch;
        break;
      }
      okBatches.set(batch, trial);
      if (score(trial) > score(okBatches.get(bestBatch)!) * (1 + BETTER)) {
        bestBatch = batch;
        sinceBetter = 0;
      } else if (++sinceBetter >= 2) break; // Throughput has stopped growing with the batch.
    }
    const largestOk = Math.max(...okBatches.keys());
    if (failAt !== undefined && !overBudget()) {
      // Bisect between the largest batch that fit and the first that did not.
      let [lo, hi] = [largestOk, failAt];
      while (hi - lo > Math.max(8, lo / 8) && !overBudget()) {
        const mid = Math.round((lo + hi) / 2 / 8) * 8 || Math.round((lo + hi) / 2);
        const trial = await tryBatch(mid);
        if (trial) {
          okBatches.set(mid, trial);
          lo = mid;
        } else hi = mid;
      }
      failAt = hi;
    }
    // Back off: the best throughput among batches at most (1 − margin) of the largest that fit, when a limit was
    // found; without one (no failure) the measured best stands.
    const ceiling =
      failAt !== undefined
        ? Math.max(current, Math.floor(Math.max(...okBatches.keys()) * (1 - BATCH_MARGIN)))
        : Infinity;
    const eligible = [...okBatches.entries()].filter(([b]) => b <= ceiling);
    bestBatch = eligible.reduce((a, b) => (score(b[1]) > score(a[1]) ? b : a))[0];
    if (failAt !== undefined)
      say(`batch size: ${bestBatch} (the largest that fit is ${Math.max(...okBatches.keys())}; ${failAt} did not)`);

    // 3. The grid at the chosen batch: successive halving with early stopping.
    let best: Trial = okBatches.get(bestBatch)!;
    const points = gridPoints(space.grid)
      .map((p) => withBatch(changedOnly(p, space.grid), bestBatch))
      .filter((p) => !sameParams(p, best.params));
    if (points.length > 0 && !overBudget()) {
      say(`grid: ${points.length} combinations of ${space.grid.map((d) => d.path).join(', ')}`);
      const short = Math.max(5, Math.round(trialOptions.measureSteps / 3));
      const rung: Trial[] = [];
      sinceBetter = 0;
      let rungBest = 0;
      for (const params of points) {
        if (overBudget()) break;
        const trial = await run(params, 'grid', short);
        if (trial.status !== 'ok') continue;
        rung.push(trial);
        if (score(trial) > rungBest * (1 + BETTER)) {
          rungBest = score(trial);
          sinceBetter = 0;
        } else if (++sinceBetter >= PATIENCE) break;
      }
      const survivors = rung.sort((a, b) => score(b) - score(a)).slice(0, Math.max(1, Math.ceil(rung.length / 2)));
      for (const candidate of survivors) {
        if (overBudget()) break;
        const trial = await run(candidate.params, 'grid');
        if (trial.status === 'ok' && score(trial) > score(best)) best = trial;
      }
    }

    // 4. Confirm the winner.
    if (best !== baseline && !overBudget()) {
      const confirmed = await run(best.params, best.phase, undefined, 2);
      best = confirmed.status === 'ok' ? confirmed : baseline;
    }
    if (score(best) <= score(baseline)) best = baseline;

    const bestText = applyParams(baseText, best.params);
    const result: TuneResult = {
      baseline,
      best,
      objective,
      speedup: score(baseline) > 0 ? Math.round((score(best) / score(baseline)) * 100) / 100 : 0,
      trials,
      diff:
        bestText === baseText
          ? ''
          : createTwoFilesPatch(
              basename(options.configPath),
              basename(options.configPath),
              baseText,
              bestText,
              'current',
              'tuned',
            ),
      bestText,
      notes: notesOf(config, best.params),
      stoppedBy,
      elapsedMs: Math.round(elapsed()),
    };
    writeFileSync(join(workDir, 'tune.json'), `${JSON.stringify({ ...result, bestText: undefined }, null, 2)}\n`);
    return result;
  } finally {
    // A cancelled tuning leaves nothing behind.
    if (options.signal?.aborted) rmSync(workDir, { recursive: true, force: true });
  }
}

/** The config's memory prediction at another batch size (undefined for saved models). */
function predictedBytes(config: TrainConfig, batch: number): number | undefined {
  return predictMemory({ ...config, data: { ...config.data, batch_size: batch } })?.total;
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

/** The settings of a grid point that differ from the config's own (each dimension's first value). */
function changedOnly(params: Params, grid: readonly Dimension[]): Params {
  return Object.fromEntries(
    Object.entries(params).filter(([path, v]) => grid.find((d) => d.path === path)?.values[0] !== v),
  );
}

function sameParams(a: Params, b: Params): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/** The user's YAML with the winning settings (not the trial-only ones). */
export function applyParams(text: string, params: Params): string {
  let out = text;
  for (const [path, value] of Object.entries(params)) out = applyTextEdits(out, setConfigValueEdits(out, path, value));
  return out;
}

/**
 * What to consider before applying: a changed effective batch changes the optimization, so the learning rate
 * usually follows it (linear scaling for SGD, square-root scaling for Adam-family optimizers).
 */
function notesOf(config: TrainConfig, params: Params): string[] {
  const batch = Number(params['data.batch_size'] ?? config.data.batch_size);
  const accumulation = Number(params['training.gradient_accumulation'] ?? config.training.gradient_accumulation ?? 1);
  const before = config.data.batch_size * (config.training.gradient_accumulation ?? 1);
  const after = batch * accumulation;
  if (after === before) return [];
  const ratio = after / before;
  const optimizer = config.training.optimizer.name;
  const lr = config.training.optimizer.learning_rate;
  const sgd = optimizer === 'sgd' || optimizer === 'momentum';
  const factor = sgd ? ratio : Math.sqrt(ratio);
  const suggestion =
    lr !== undefined
      ? ` Consider training.optimizer.learning_rate ${Number((lr * factor).toPrecision(3))} (${sgd ? 'linear' : 'square-root'} scaling for ${optimizer}, from ${lr}).`
      : ` Consider scaling the learning rate by ${factor.toFixed(2)} (${sgd ? 'linear' : 'square-root'} rule for ${optimizer}).`;
  return [
    `The effective batch changes from ${before} to ${after} (×${Number(ratio.toFixed(2))}): the optimization changes, not only the speed.${suggestion}`,
  ];
}
