import type { TuningSession } from '../session';
import type { Trial } from '../types';

/**
 * Phase 4: the winner measured again (twice) before it is proposed, since a single short trial can be lucky. A
 * winner that fails its confirmation, or no longer beats the baseline, gives way to the baseline.
 */
export async function confirmWinner(session: TuningSession, winner: Trial, baseline: Trial): Promise<Trial> {
  let best = winner;
  if (best !== baseline && !session.overBudget()) {
    const confirmed = await session.run(best.params, best.phase, undefined, 2);
    best = confirmed.status === 'ok' ? confirmed : baseline;
  }
  return session.score(best) <= session.score(baseline) ? baseline : best;
}
