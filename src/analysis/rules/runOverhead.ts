import { categoryPercent, type Rule } from './rule';

/** Share of step time in checkpoint writes, and in validation, above which they are overhead worth cutting. */
export const CHECKPOINT_OVERHEAD_PERCENT = 5;
export const EVAL_OVERHEAD_PERCENT = 10;

/** Checkpoint overhead (TrainLens runs): writing checkpoints takes a visible share of training. */
export const checkpointOverhead: Rule = (profile) => {
  if (!profile.run?.checkpointEvery) return undefined;
  const percent = categoryPercent(profile, 'checkpoint');
  if (percent < CHECKPOINT_OVERHEAD_PERCENT) return undefined;
  return {
    id: 'checkpoint-overhead',
    severity: 'medium',
    title: `Checkpoints take ${percent}% of the training time`,
    evidence: {
      checkpointPercent: percent,
      threshold: CHECKPOINT_OVERHEAD_PERCENT,
      every: profile.run.checkpointEvery,
    },
    fix: {
      path: 'monitoring.checkpoints.every',
      value: profile.run.checkpointEvery * 4,
      description: 'Write checkpoints four times less often.',
    },
  };
};

/** Eval overhead (TrainLens runs): validation takes a large share of training. */
export const evalOverhead: Rule = (profile) => {
  if (!profile.run?.validationEvery) return undefined;
  const percent = categoryPercent(profile, 'eval');
  if (percent < EVAL_OVERHEAD_PERCENT) return undefined;
  return {
    id: 'eval-overhead',
    severity: 'medium',
    title: `Validation takes ${percent}% of the training time`,
    evidence: { evalPercent: percent, threshold: EVAL_OVERHEAD_PERCENT, every: profile.run.validationEvery },
    fix: {
      path: 'training.validation_every',
      value: profile.run.validationEvery * 2,
      description: 'Validate half as often.',
    },
  };
};
