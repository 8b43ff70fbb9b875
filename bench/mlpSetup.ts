import type { TrainConfig } from '../src/config/types';
import { createSyntheticData } from '../src/engine/data/synthetic';
import type { InMemoryDataset } from '../src/engine/data/dataset';

/** The engine benchmarks' workload: the quickstart MLP (64-256-256-10) with Adam, no NaN guard syncs. */
export function mlpConfig(batch: number, steps: number): TrainConfig {
  return {
    version: 1,
    model: { preset: 'mlp', input_shape: [64], hidden: [256, 256], outputs: 10 },
    data: { source: 'synthetic', batch_size: batch, samples: batch * steps },
    training: { optimizer: { name: 'adam', learning_rate: 0.001 }, loss: 'categorical_crossentropy', steps },
    optimization: { level: 'custom', nan_guard: 'off' },
    monitoring: { log_every: 50 },
  };
}

/** Exactly one pass of synthetic samples for `steps` batches of `batch`, the same in every measurement. */
export function mlpData(batch: number, steps: number): InMemoryDataset {
  return createSyntheticData({
    samples: batch * steps,
    inputShape: [64],
    outputs: 10,
    task: 'classification',
    seed: 1,
  });
}
