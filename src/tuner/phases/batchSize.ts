import { predictMemory } from '../../config/memory';
import type { TrainConfig } from '../../config/types';
import { clearlyBetter, type TuningSession } from '../session';
import type { Trial } from '../types';
import { maxOf } from '../../common/stats';

/** Share a batch size is backed off from the largest that fits, so a long run does not run out of memory. */
export const BATCH_MARGIN = 0.25;

/** The batch size the finder chose, and the trial that measured it (the grid's starting point). */
export interface BatchChoice {
  readonly batch: number;
  readonly trial: Trial;
}

/** Batch size → the ok trial that measured it, in the order they were measured (the config's own first). */
type Fits = Map<number, Trial>;

/**
 * Phase 2, the batch-size finder: doubles the batch from the config's own until a trial runs out of memory, the
 * memory cap or its prediction is exceeded, or the throughput stops improving; then bisects towards the first
 * failure, and backs off by {@link BATCH_MARGIN} from the largest batch that fit (never choosing one within the
 * margin of a failure).
 */
export async function findBatchSize(session: TuningSession, baseline: Trial): Promise<BatchChoice> {
  const current = session.config.data.batch_size;
  const fits: Fits = new Map([[current, baseline]]);
  session.say(`batch size: growing from ${current}`);
  let failAt = await grow(session, current, fits);
  if (failAt !== undefined && !session.overBudget()) failAt = await bisect(session, failAt, fits);
  const batch = backOff(session, current, fits, failAt);
  if (failAt !== undefined)
    session.say(`batch size: ${batch} (the largest that fit is ${maxOf(fits.keys())}; ${failAt} did not)`);
  return { batch, trial: fits.get(batch)! };
}

/**
 * Doubles the batch along the space's batch sizes; returns the first batch that did not fit, or undefined when
 * growing stopped for the budget or because throughput stopped growing with the batch.
 */
async function grow(session: TuningSession, current: number, fits: Fits): Promise<number | undefined> {
  let bestBatch = current;
  let sinceBetter = 0;
  for (const batch of session.space.batchSizes.filter((b) => b > current)) {
    if (session.overBudget()) break;
    const trial = await tryBatch(session, batch);
    if (!trial) return batch;
    fits.set(batch, trial);
    if (clearlyBetter(session.score(trial), session.score(fits.get(bestBatch)!))) {
      bestBatch = batch;
      sinceBetter = 0;
    } else if (++sinceBetter >= 2) break; // Throughput has stopped growing with the batch.
  }
  return undefined;
}

/** Bisects between the largest batch that fit and the first that did not; returns the smallest known failure. */
async function bisect(session: TuningSession, failAt: number, fits: Fits): Promise<number> {
  let [lo, hi] = [maxOf(fits.keys()), failAt];
  while (hi - lo > Math.max(8, lo / 8) && !session.overBudget()) {
    // The midpoint keeps to multiples of 8 (round batch sizes); where that rounds to 0, which is no batch, the
    // plain midpoint is taken.
    const mid = Math.round((lo + hi) / 2 / 8) * 8 || Math.round((lo + hi) / 2);
    const trial = await tryBatch(session, mid);
    if (trial) {
      fits.set(mid, trial);
      lo = mid;
    } else hi = mid;
  }
  return hi;
}

/**
 * The best throughput among batches at most (1 − margin) of the largest that fit, when a limit was found; without
 * one (no failure) the measured best stands.
 */
function backOff(session: TuningSession, current: number, fits: Fits, failAt: number | undefined): number {
  const ceiling =
    failAt !== undefined ? Math.max(current, Math.floor(maxOf(fits.keys()) * (1 - BATCH_MARGIN))) : Infinity;
  const eligible = [...fits.entries()].filter(([b]) => b <= ceiling);
  return eligible.reduce((a, b) => (session.score(b[1]) > session.score(a[1]) ? b : a))[0];
}

/**
 * One batch-size trial; a batch whose predicted memory is over the cap is recorded as pruned instead of run, since
 * running it would only confirm the prediction. Undefined when the batch does not fit.
 */
async function tryBatch(session: TuningSession, batch: number): Promise<Trial | undefined> {
  const predicted = predictedBytes(session.config, batch);
  const capBytes = session.trialOptions.capBytes;
  if (capBytes !== undefined && predicted !== undefined && predicted > capBytes) {
    session.pruned(session.withBatch({}, batch), 'batch-size', predicted);
    return undefined;
  }
  const trial = await session.run(session.withBatch({}, batch), 'batch-size');
  return trial.status === 'ok' ? trial : undefined;
}

/** The config's memory prediction at another batch size (undefined for saved models). */
function predictedBytes(config: TrainConfig, batch: number): number | undefined {
  return predictMemory({ ...config, data: { ...config.data, batch_size: batch } })?.total;
}
