import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, modelCost, predictMemory } from './memory';
import type { TrainConfig } from './types';

const base: TrainConfig = {
  version: 1,
  model: { preset: 'mlp', input_shape: [64], hidden: [256, 256], outputs: 10 },
  data: { source: 'synthetic', batch_size: 32 },
  training: { optimizer: { name: 'adam' }, loss: 'categorical_crossentropy' },
  optimization: { level: 'custom' },
};

test('counts MLP parameters exactly as Keras does', () => {
  // 64*256+256 + 256*256+256 + 256*10+10 = 16640 + 65792 + 2570
  assert.equal(modelCost(base.model)?.params, 85_002);
});

test('counts LSTM and CNN parameters exactly as Keras does', () => {
  // Keras LSTM(32) on 8 features: 4*(32*(8+32)+32) = 5248; Dense(4): 132
  assert.equal(modelCost({ preset: 'lstm', input_shape: [20, 8], units: 32, num_layers: 1, outputs: 4 })?.params, 5380);
  // Conv2D(16, 3x3) on 28x28x1: 160; pool → 14x14x16; Dense(10): 3136*10+10
  assert.equal(
    modelCost({ preset: 'cnn', input_shape: [28, 28, 1], filters: [16], outputs: 10 })?.params,
    160 + 31_370,
  );
});

test('adds gradients and Adam state, and scales activations with the batch', () => {
  const p = predictMemory(base)!;
  assert.equal(p.parameters, 85_002 * 4);
  assert.equal(p.gradients, p.parameters);
  assert.equal(p.optimizerState, 2 * p.parameters);
  const doubled = predictMemory({ ...base, data: { ...base.data, batch_size: 64 } })!;
  assert.equal(doubled.activations, 2 * p.activations);
  assert.equal(doubled.parameters, p.parameters);
  const sgd = predictMemory({ ...base, training: { ...base.training, optimizer: { name: 'sgd' } } })!;
  assert.equal(sgd.optimizerState, 0);
});

test('activation checkpointing keeps a fraction of the activations; saved models are not predicted', () => {
  const p = predictMemory(base)!;
  const ckpt = predictMemory({ ...base, optimization: { level: 'custom', activation_checkpointing: true } })!;
  assert.ok(ckpt.activations < p.activations * 0.5);
  assert.equal(predictMemory({ ...base, model: { path: 'model.json' } }), undefined);
});

test('formats bytes with binary units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(3 * 1024 ** 3), '3.00 GiB');
});
