import { gridPoints } from '../space';
import { clearlyBetter, type TuningSession } from '../session';
import type { Dimension, Params, Trial } from '../types';
import type { BatchChoice } from './batchSize';

/** Trials without a better result after which a search phase stops. */
export const PATIENCE = 3;

/**
 * Phase 3: the other settings on a grid at the chosen batch, by successive halving: every point measured on a third
 * of the steps, the better half again on all of them, stopping early after {@link PATIENCE} trials without
 * improvement. Returns the best trial so far (the batch-size finder's when no grid point beats it).
 */
export async function searchGrid(session: TuningSession, start: BatchChoice): Promise<Trial> {
  const grid = session.space.grid;
  const points = gridPoints(grid)
    .map((p) => session.withBatch(changedOnly(p, grid), start.batch))
    .filter((p) => !sameParams(p, start.trial.params));
  if (points.length === 0 || session.overBudget()) return start.trial;
  session.say(`grid: ${points.length} combinations of ${grid.map((d) => d.path).join(', ')}`);
  const rung = await shortRung(session, points);
  return fullRung(session, survivorsOf(session, rung), start.trial);
}

/** Every point on a third of the steps (at least 5), until the budget ends or {@link PATIENCE} runs out. */
async function shortRung(session: TuningSession, points: readonly Params[]): Promise<Trial[]> {
  const short = Math.max(5, Math.round(session.trialOptions.measureSteps / 3));
  const rung: Trial[] = [];
  let sinceBetter = 0;
  let rungBest = 0;
  for (const params of points) {
    if (session.overBudget()) break;
    const trial = await session.run(params, 'grid', short);
    if (trial.status !== 'ok') continue;
    rung.push(trial);
    if (clearlyBetter(session.score(trial), rungBest)) {
      rungBest = session.score(trial);
      sinceBetter = 0;
    } else if (++sinceBetter >= PATIENCE) break;
  }
  return rung;
}

/** The better half of the short rung (at least one), best first. */
function survivorsOf(session: TuningSession, rung: Trial[]): Trial[] {
  return rung.sort((a, b) => session.score(b) - session.score(a)).slice(0, Math.max(1, Math.ceil(rung.length / 2)));
}

/** The survivors on all the steps: a short run only ranks, so only a full-length one may replace the best. */
async function fullRung(session: TuningSession, survivors: readonly Trial[], best: Trial): Promise<Trial> {
  let winner = best;
  for (const candidate of survivors) {
    if (session.overBudget()) break;
    const trial = await session.run(candidate.params, 'grid');
    if (trial.status === 'ok' && session.score(trial) > session.score(winner)) winner = trial;
  }
  return winner;
}

/** The settings of a grid point that differ from the config's own (each dimension's first value). */
function changedOnly(params: Params, grid: readonly Dimension[]): Params {
  return Object.fromEntries(
    Object.entries(params).filter(([path, v]) => grid.find((d) => d.path === path)?.values[0] !== v),
  );
}

/** Whether two sets of settings are the same: a grid point equal to the starting point is measured already. */
function sameParams(a: Params, b: Params): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}
