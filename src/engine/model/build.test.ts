import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { modelCost } from '../../config/memory';
import type { ModelConfig } from '../../config/types';
import { buildModel } from './build';

const classification = { task: 'classification' as const };

test('the mlp preset has exactly the parameters the memory prediction counts', async () => {
  await tf.setBackend('cpu');
  const config: ModelConfig = { preset: 'mlp', input_shape: [64], hidden: [256, 256], outputs: 10 };
  const model = buildModel(config, classification);
  assert.equal(model.countParams(), modelCost(config)?.params);
  assert.deepEqual(model.outputs[0]!.shape, [null, 10]);
  model.dispose();
});

test('cnn, lstm and transformer presets agree with the prediction too', () => {
  for (const config of [
    { preset: 'cnn', input_shape: [28, 28, 1], filters: [16, 32], outputs: 10 },
    { preset: 'lstm', input_shape: [20, 8], units: 32, num_layers: 2, outputs: 4 },
    {
      preset: 'transformer',
      input_shape: [12],
      vocab_size: 50,
      d_model: 16,
      heads: 4,
      ff_dim: 32,
      num_layers: 2,
      outputs: 3,
    },
  ] as ModelConfig[]) {
    const model = buildModel(config, classification);
    assert.equal(model.countParams(), modelCost(config)?.params, config.preset);
    model.dispose();
  }
});

test('an explicit layer list builds in order; a model path is loaded, not built', () => {
  const model = buildModel(
    {
      input_shape: [8],
      layers: [
        { type: 'dense', units: 4, activation: 'relu' },
        { type: 'dense', units: 2 },
      ],
    },
    { task: 'regression' },
  );
  assert.equal(model.countParams(), 8 * 4 + 4 + 4 * 2 + 2);
  model.dispose();
  assert.throws(
    () => buildModel({ preset: 'transformer', input_shape: [8], d_model: 12, heads: 5, outputs: 2 }, classification),
    /model\.heads \(5\) must divide model\.d_model \(12\)/,
  );
  assert.throws(() => buildModel({ path: 'm/model.json' }, classification), /loaded \(loadSavedModel\), not built/);
});
