import { dataLoaderCode } from './pytorchCode';
import { categoryPercent, type Rule } from './rule';

export { MAX_SUGGESTED_WORKERS, suggestedWorkers } from './pytorchCode';

/** Thresholds of the input-bound rule: % of step time waiting for the data loader. */
export const INPUT_BOUND = { medium: 5, high: 20 } as const;

/**
 * Input-bound: the step spends a visible share waiting for data (`dataloader` in Kineto traces, `data_wait` in
 * TrainLens runs). Fix: prepare batches ahead and in parallel; for a TrainLens run as its YAML keys, for any other
 * trace as PyTorch's DataLoader arguments.
 */
export const inputBound: Rule = (profile) => {
  const category = profile.categories.includes('data_wait') ? 'data_wait' : 'dataloader';
  const percent = categoryPercent(profile, category);
  if (percent < INPUT_BOUND.medium) return undefined;
  const high = percent >= INPUT_BOUND.high;
  const finding = {
    id: 'input-bound',
    severity: high ? 'high' : 'medium',
    title: `${percent}% of each step waits for input data`,
    evidence: { [`${category}Percent`]: percent, threshold: high ? INPUT_BOUND.high : INPUT_BOUND.medium },
  } as const;
  if (profile.source === 'trainlens')
    return {
      ...finding,
      fix: {
        path: 'data.prefetch',
        value: high ? 4 : 2,
        description: 'Prepare batches ahead of the step (add data.workers to prepare them in parallel).',
      },
    };
  return { ...finding, code: { python: dataLoaderCode(percent) } };
};
