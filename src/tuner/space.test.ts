import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrainConfig } from '../config/types';
import { gridPoints, searchSpaceOf } from './space';

const config = (extra: Partial<TrainConfig> = {}): TrainConfig => ({
  version: 1,
  model: { preset: 'mlp', input_shape: [8], hidden: [16], outputs: 2 },
  data: { source: 'synthetic', samples: 1000, batch_size: 32 },
  training: { optimizer: { name: 'adam' }, loss: 'categorical_crossentropy' },
  ...extra,
});

const env = {
  cores: 2,
  backends: [
    { name: 'tensorflow' as const, status: 'missing' as const },
    { name: 'wasm' as const, status: 'installed' as const },
    { name: 'cpu' as const, status: 'installed' as const },
  ],
};

test('defaults: batches double up to the data size; prefetch, workers and log interval, current values first', () => {
  const space = searchSpaceOf(config(), env);
  assert.deepEqual(space.batchSizes, [32, 64, 128, 256, 512]);
  assert.deepEqual(
    space.grid.map((d) => [d.path, d.values]),
    [
      ['data.prefetch', [0, 2]],
      ['data.workers', [0, 2]],
      ['monitoring.log_every', [20, 100]],
    ],
  );
  // cpu is not tried when a faster backend is installed; one backend left is no dimension.
  assert.ok(!space.grid.some((d) => d.path === 'engine.backend'));
  assert.deepEqual(space.fixed, { 'monitoring.profiling.enabled': false });
  assert.equal(gridPoints(space.grid).length, 8);
  assert.deepEqual(gridPoints(space.grid)[0], { 'data.prefetch': 0, 'data.workers': 0, 'monitoring.log_every': 20 });
});

test('tuning.search lists the values; optimization switches are tuned where the config sets them', () => {
  const space = searchSpaceOf(
    config({
      optimization: { level: 'custom', prefetch: 1 },
      monitoring: { log_every: 200, checkpoints: { every: 50 } },
      training: { optimizer: { name: 'adam' }, loss: 'categorical_crossentropy', validation_every: 10 },
      tuning: { search: { batch_size: [256, 64], prefetch: [1, 4], backend: ['wasm', 'cpu'] } },
    }),
    env,
  );
  assert.deepEqual(space.batchSizes, [64, 256]);
  assert.deepEqual(
    space.grid.map((d) => [d.path, d.values]),
    [
      ['optimization.prefetch', [1, 4]],
      ['data.workers', [0, 2]],
      ['engine.backend', ['wasm', 'cpu']],
    ],
  );
  // Trials measure training steps only: no checkpoints, no validation inside them.
  assert.deepEqual(space.fixed, {
    'monitoring.profiling.enabled': false,
    'monitoring.checkpoints.every': 1_000_000,
    'training.validation_every': 1_000_000,
  });
});

test('an input-bound profile adds deeper prefetch; a streamed data module gets no workers', () => {
  const space = searchSpaceOf(config({ data: { source: 'module', path: 'x.cjs', batch_size: 16 } }), env, [
    { id: 'input-bound', severity: 'high', title: 't', evidence: {} },
  ]);
  assert.deepEqual(space.grid.find((d) => d.path === 'data.prefetch')?.values, [0, 2, 4]);
  assert.ok(!space.grid.some((d) => d.path === 'data.workers'));
});
