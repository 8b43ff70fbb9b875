import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadSavedModel } from './load';
import { saveModel } from './save';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-model-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const save = saveModel;

test('a saved TF.js model loads from disk with its weights', async () => {
  await tf.setBackend('cpu');
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
  const path = await save(model, dir);
  const loaded = await loadSavedModel(path);
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  assert.deepEqual(
    Array.from(await (loaded.predict(x) as tf.Tensor).data()),
    Array.from(await (model.predict(x) as tf.Tensor).data()),
  );
  assert.deepEqual(loaded.inputs[0]!.shape, [null, 4]);
});

test('files that are not TF.js models are refused with the reason', async () => {
  writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
  await assert.rejects(loadSavedModel(join(dir, 'other.json')), /is not a TF\.js Layers model/);
  writeFileSync(
    join(dir, 'nobin.json'),
    JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['gone.bin'], weights: [] }] }),
  );
  await assert.rejects(loadSavedModel(join(dir, 'nobin.json')), /the weight file "gone\.bin" listed in .* is missing/);
  await assert.rejects(loadSavedModel(join(dir, 'absent.json')), /is not a readable model\.json/);
});
