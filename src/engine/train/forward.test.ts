import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../model/build';
import { compileTrainingLoss } from './forward';
import { lossFor } from './losses';

async function backend(): Promise<void> {
  await tf.setBackend('cpu');
}

test('a softmax MLP trains through its layers with the fused head; loss and gradients equal the layered ones', async () => {
  await backend();
  const model = buildModel({ preset: 'mlp', input_shape: [6], hidden: [8], outputs: 4 }, { task: 'classification' });
  const compiled = compileTrainingLoss(model, 'categorical_crossentropy');
  assert.equal(compiled.forward, 'layers');
  assert.equal(compiled.fusedHead, true);
  const xs = tf.randomNormal([16, 6], 0, 1, 'float32', 7);
  const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4).toFloat();
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const layered = tf.variableGrads(
    () => lossFor('categorical_crossentropy')(ys, model.apply(xs, { training: true }) as tf.Tensor),
    variables,
  );
  const fused = tf.variableGrads(() => compiled.loss(xs, ys), variables);
  const [a, b] = [(await layered.value.data())[0]!, (await fused.value.data())[0]!];
  assert.ok(Math.abs(a - b) < 1e-5, `loss ${a} vs ${b}`);
  for (const name of Object.keys(layered.grads)) {
    const [g1, g2] = [await layered.grads[name]!.data(), await fused.grads[name]!.data()];
    g1.forEach((v, i) => assert.ok(Math.abs(v - g2[i]!) < 1e-5, `${name}[${i}]`));
  }
});

test('a sigmoid head with binary cross-entropy is fused; regression keeps its loss; functional models use the graph', async () => {
  await backend();
  const binary = buildModel({ preset: 'mlp', input_shape: [3], hidden: [4], outputs: 1 }, { task: 'classification' });
  assert.equal(compileTrainingLoss(binary, 'binary_crossentropy').fusedHead, true);
  const regression = buildModel({ preset: 'mlp', input_shape: [3], hidden: [4], outputs: 2 }, { task: 'regression' });
  const mse = compileTrainingLoss(regression, 'mse');
  assert.deepEqual([mse.forward, mse.fusedHead], ['layers', false]);
  const input = tf.input({ shape: [3] });
  const functional = tf.model({
    inputs: input,
    outputs: tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor,
  });
  const graph = compileTrainingLoss(functional, 'mse');
  assert.equal(graph.forward, 'graph');
  const value = graph.loss(tf.ones([2, 3]), tf.zeros([2, 2]));
  assert.ok(Number.isFinite((await value.data())[0]!));
});
