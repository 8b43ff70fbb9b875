import { BACKEND_NAMES } from '../../protocol/backends';
import type { Rule } from './rule';

/** Backends from fastest to slowest, as `engine.backend: auto` tries them. */
const SPEED_ORDER: readonly string[] = BACKEND_NAMES;

/**
 * Backend fallback (TrainLens runs): the run trained on a slower backend than one that is installed here, because
 * the config asked for it. Fix: `engine.backend: auto`.
 */
export const backendFallback: Rule = (profile) => {
  const run = profile.run;
  if (!run) return undefined;
  const used = SPEED_ORDER.indexOf(run.backend);
  const faster = run.installedBackends.filter((b) => SPEED_ORDER.indexOf(b) >= 0 && SPEED_ORDER.indexOf(b) < used);
  if (used < 0 || faster.length === 0) return undefined;
  return {
    id: 'backend-fallback',
    severity: 'high',
    title: `The run trained on ${run.backend} while ${faster[0]} is installed`,
    evidence: { backend: run.backend, faster: faster.join(', '), requested: run.requestedBackend },
    fix: { path: 'engine.backend', value: 'auto', description: 'Let the engine pick the fastest installed backend.' },
  };
};
