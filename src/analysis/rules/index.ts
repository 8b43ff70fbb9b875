import type { Finding } from '../../protocol/types';
import type { Profile } from '../profile';
import { ampEligible } from './ampEligible';
import { backendFallback } from './backendFallback';
import { commBound } from './commBound';
import { dispatchBound } from './dispatchBound';
import { dominantOp } from './dominantOp';
import { graphOptimizationsDisabled } from './graphOptimizationsDisabled';
import { hostSync } from './hostSync';
import { inputBound } from './inputBound';
import { kernelWait } from './kernelWait';
import { launchOverhead } from './launchOverhead';
import { lowGpuUtilization } from './lowGpuUtilization';
import { memcpyNodes } from './memcpyNodes';
import { memoryPressure } from './memoryPressure';
import { providerFallback } from './providerFallback';
import type { Rule } from './rule';
import { nanLoss, tensorLeak } from './runHealth';
import { checkpointOverhead, evalOverhead } from './runOverhead';
import { threadOversubscription } from './threadOversubscription';

/** Every rule, in the order their findings are listed when severities tie. */
export const RULES: readonly Rule[] = [
  backendFallback,
  inputBound,
  hostSync,
  lowGpuUtilization,
  commBound,
  launchOverhead,
  kernelWait,
  memoryPressure,
  ampEligible,
  checkpointOverhead,
  evalOverhead,
  nanLoss,
  tensorLeak,
  providerFallback,
  threadOversubscription,
  memcpyNodes,
  graphOptimizationsDisabled,
  dispatchBound,
  dominantOp,
];

const ORDER = { high: 0, medium: 1, low: 2, info: 3 } as const;

/**
 * The findings of every rule on a profile, most severe first. A YAML fix (`fix`) is only for a TrainLens run's
 * config: on any other profile it is dropped, whatever a rule returned, and the finding's `code` is its fix.
 */
export function findingsOf(profile: Profile): Finding[] {
  return RULES.map((rule) => rule(profile))
    .filter((f): f is Finding => f !== undefined)
    .map((f) => (profile.source === 'trainlens' || !f.fix ? f : withoutFix(f)))
    .sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}

/** The finding without its YAML fix. */
function withoutFix(finding: Finding): Finding {
  const { fix: _fix, ...rest } = finding;
  return rest;
}
