import type { TuneOptions } from './options';
import { openSession } from './openSession';
import { measureBaseline } from './phases/baseline';
import { BATCH_MARGIN, findBatchSize } from './phases/batchSize';
import { confirmWinner } from './phases/confirm';
import { PATIENCE, searchGrid } from './phases/halving';
import { writeResult } from './result';
import type { TuneResult } from './types';

// The tuner's API stays here for its callers (the CLI, the editor, the benchmark, tests), wherever it now lives.
export { TuneError, type TuneOptions } from './options';
export { applyParams } from './result';
export { BATCH_MARGIN, PATIENCE };

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
  const session = openSession(options);
  try {
    const baseline = await measureBaseline(session);
    const batch = await findBatchSize(session, baseline);
    const winner = await searchGrid(session, batch);
    const best = await confirmWinner(session, winner, baseline);
    return writeResult(session, baseline, best);
  } finally {
    session.close();
  }
}
