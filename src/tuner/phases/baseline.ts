import { TuneError } from '../options';
import type { TuningSession } from '../session';
import type { Trial } from '../types';

/**
 * Phase 1: the config as written, measured twice, since every later trial is compared with it. A config that does
 * not train cannot be tuned, so that is a {@link TuneError} naming the file.
 */
export async function measureBaseline(session: TuningSession): Promise<Trial> {
  session.say('baseline: the config as written');
  const baseline = await session.run({}, 'baseline', undefined, 2);
  if (baseline.status !== 'ok')
    throw new TuneError(
      `${session.options.configPath}: the config itself does not train (${baseline.status}: ${baseline.reason ?? 'no measurement'}); fix it before tuning`,
    );
  return baseline;
}
