import { ddpCode } from './pytorchCode';
import { categoryPercent, type Rule } from './rule';

/** Share of step time in communication not hidden behind compute that makes a run communication-bound. */
export const COMM_BOUND_PERCENT = 10;

/**
 * Communication-bound: collectives (NCCL/Gloo) take a large share of the step that compute does not overlap. On a
 * PyTorch trace the fix is DDP's bucket size and gradient accumulation under `no_sync()`.
 */
export const commBound: Rule = (profile) => {
  const percent = categoryPercent(profile, 'communication');
  if (percent < COMM_BOUND_PERCENT) return undefined;
  return {
    id: 'comm-bound',
    severity: percent >= 2 * COMM_BOUND_PERCENT ? 'high' : 'medium',
    title: `${percent}% of each step is communication that compute does not overlap`,
    evidence: {
      communicationPercent: percent,
      threshold: COMM_BOUND_PERCENT,
      ...(profile.distributed ? { worldSize: profile.distributed.worldSize } : {}),
    },
    ...(profile.source === 'trainlens'
      ? {}
      : { code: { python: ddpCode(percent, COMM_BOUND_PERCENT, profile.distributed?.worldSize) } }),
  };
};
