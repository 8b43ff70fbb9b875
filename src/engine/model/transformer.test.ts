import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { BatchIterator } from '../data/batches';
import { PreparedBatches } from '../data/prepared';
import { createSyntheticData } from '../data/synthetic';
import { runLoop } from '../train/loop';
import type { TrainConfig } from '../../config/types';
import { buildModel } from './build';
import { loadSavedModel } from './load';
import { saveModel } from './save';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-transformer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const model = {
  preset: 'transformer',
  input_shape: [10],
  vocab_size: 40,
  d_model: 16,
  heads: 2,
  ff_dim: 32,
  num_layers: 2,
  outputs: 3,
} as const;

test('attention mixes positions: changing one token changes every position of the block output', async () => {
  await tf.setBackend('cpu');
  const m = buildModel(model, { task: 'classification' });
  const block = m.layers[2]!;
  const embed = (tokens: number[]) => m.layers[1]!.apply(m.layers[0]!.apply(tf.tensor2d([tokens]))) as tf.Tensor;
  const a = block.apply(embed([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])) as tf.Tensor;
  const b = block.apply(embed([1, 2, 3, 4, 5, 6, 7, 8, 9, 11])) as tf.Tensor;
  const diff = (await tf.sum(tf.abs(tf.sub(a, b)), -1).data()) as Float32Array;
  assert.equal(diff.length, 10);
  // The first position's token did not change; only attention can carry the last token's change to it.
  assert.ok(diff[0]! > 1e-6, `position 0 changed by ${diff[0]}`);
  m.dispose();
});

test('the transformer preset learns synthetic token data, and saves and loads with its custom layers', async () => {
  await tf.setBackend('cpu');
  const config: TrainConfig = {
    version: 1,
    model,
    data: { source: 'synthetic', batch_size: 32, samples: 1024 },
    training: { optimizer: { name: 'adam', learning_rate: 0.003 }, loss: 'categorical_crossentropy', steps: 60 },
    optimization: { level: 'custom', nan_guard: 'off' },
    monitoring: { log_every: 10 },
  };
  const data = createSyntheticData({
    samples: 1024,
    inputShape: [10],
    outputs: 3,
    task: 'classification',
    seed: 2,
    vocabSize: 40,
  });
  assert.ok(
    data.features.every((v) => Number.isInteger(v) && v >= 0 && v < 40),
    'token ids',
  );
  const m = buildModel(model, { task: 'classification' }, 5);
  const losses: number[] = [];
  const result = await runLoop({
    config,
    model: m,
    batches: new PreparedBatches(new BatchIterator(data, 32, true, 1), { prefetch: 0, workers: 0 }),
    totalSteps: 60,
    hooks: { onMetrics: (row) => losses.push(row.values['loss']!) },
  });
  assert.equal(result.status, 'completed');
  assert.ok(losses.at(-1)! < losses[0]! * 0.9, `loss fell: ${losses.map((l) => l.toFixed(3)).join(' → ')}`);

  await saveModel(m, join(dir, 'saved'));
  const loaded = await loadSavedModel(join(dir, 'saved', 'model.json'));
  const probe = tf.tensor2d([[1, 5, 9, 13, 17, 21, 25, 29, 33, 37]]);
  const [p1, p2] = [m.predict(probe) as tf.Tensor, loaded.predict(probe) as tf.Tensor];
  const [v1, v2] = [await p1.data(), await p2.data()];
  v1.forEach((v, i) => assert.ok(Math.abs(v - v2[i]!) < 1e-6));
  m.dispose();
  loaded.dispose();
});
