import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { probeEnvironment } from '../environment/probe';
import { selectBackend } from './select';

const noGpu = () => Promise.resolve({ gpus: [], reason: 'nvidia-smi is not on PATH' });

test('auto skips the native backends with their reasons and runs on wasm', async () => {
  const environment = await probeEnvironment({ queryGpus: noGpu });
  const selection = await selectBackend({ requested: 'auto', environment, engineDir: __dirname });
  assert.equal(selection.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(
    selection.skipped.map((s) => s.name),
    ['tensorflow-gpu', 'tensorflow'],
  );
  assert.match(selection.skipped[0]!.reason, /not installed/);
  // The backend really computes.
  assert.deepEqual(Array.from(await tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).data()), [11]);
});

test('cpu on request; tensorflow on request fails with the reasons and the way out', async () => {
  const environment = await probeEnvironment({ queryGpus: noGpu, engineDir: join(__dirname, '..') });
  const cpu = await selectBackend({ requested: 'cpu', environment, engineDir: __dirname });
  assert.equal(cpu.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  await assert.rejects(
    selectBackend({ requested: 'tensorflow', environment, engineDir: __dirname }),
    /engine\.backend: tensorflow cannot run here: tensorflow-gpu: .*not installed.*Use engine\.backend: auto/,
  );
});
