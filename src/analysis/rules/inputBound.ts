import { categoryPercent, type Rule } from './rule';

/** Thresholds of the input-bound rule: % of step time waiting for the data loader. */
export const INPUT_BOUND = { medium: 5, high: 20 } as const;

/** The most DataLoader workers suggested: beyond this, cores (not workers) are what a laptop or a node runs out of. */
export const MAX_SUGGESTED_WORKERS = 8;

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

/**
 * Workers that keep up with the step: loading a batch takes about `data / compute` steps' worth of the rest of the
 * step, so that many workers loading in parallel hide it (at least 1, at most {@link MAX_SUGGESTED_WORKERS}).
 */
export function suggestedWorkers(dataPercent: number): number {
  const compute = Math.max(100 - dataPercent, 1);
  return Math.min(MAX_SUGGESTED_WORKERS, Math.max(1, Math.ceil(dataPercent / compute)));
}

/** The PyTorch DataLoader that prepares batches in parallel worker processes, ahead of the step. */
function dataLoaderCode(dataPercent: number): string {
  const workers = suggestedWorkers(dataPercent);
  const ratio = (dataPercent / Math.max(100 - dataPercent, 1)).toFixed(1);
  return [
    `# The step waits for data ${ratio}× as long as it computes: ${workers} worker${workers === 1 ? '' : 's'} loading in parallel can keep up.`,
    'loader = DataLoader(',
    '    dataset,',
    '    batch_size=batch_size,',
    `    num_workers=${workers},`,
    '    pin_memory=True,',
    '    persistent_workers=True,',
    '    prefetch_factor=2,',
    ')',
  ].join('\n');
}
