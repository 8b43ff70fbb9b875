import type { Rule } from './rule';

/** NaN/Inf loss (TrainLens runs): the NaN guard stopped the run, or skipped steps. Fix: clip gradients. */
export const nanLoss: Rule = (profile) => {
  const failure = profile.run?.failure;
  if (failure?.kind !== 'nan') return undefined;
  const reason = failure.message;
  return {
    id: 'nan-loss',
    severity: 'high',
    title: 'The loss became NaN or infinite and the run stopped',
    evidence: { reason },
    fix: { path: 'training.clip_norm', value: 1, description: 'Clip the gradients to a global norm of 1.' },
  };
};

/** Tensor leak (TrainLens runs): the memory monitor saw the tensor count grow at every step end. */
export const tensorLeak: Rule = (profile) => {
  const leak = profile.run?.events?.find((e) => e.kind === 'tensor-leak');
  if (!leak) return undefined;
  return {
    id: 'tensor-leak',
    severity: 'high',
    title: leak.message,
    evidence: leak.evidence ?? {},
  };
};
