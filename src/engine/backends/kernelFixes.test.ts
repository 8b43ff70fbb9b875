import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { probeEnvironment } from '../environment/probe';
import { installWasmMatMulFix, uninstallWasmMatMulFix } from './kernelFixes';
import { selectBackend } from './select';

const noGpu = () => Promise.resolve({ gpus: [], reason: 'nvidia-smi is not on PATH' });

/** Every transposition of a batched and a plain product, plus the fused kernel with bias and activation. */
function products(): tf.Tensor[] {
  return tf.tidy(() => {
    const a = tf.randomNormal([3, 5, 7], 0, 1, 'float32', 1);
    const b = tf.randomNormal([3, 7, 4], 0, 1, 'float32', 2);
    const aT = tf.transpose(a, [0, 2, 1]);
    const bT = tf.transpose(b, [0, 2, 1]);
    const m = tf.randomNormal([33, 17], 0, 1, 'float32', 3);
    const n = tf.randomNormal([33, 9], 0, 1, 'float32', 4);
    return [
      tf.matMul(a, b),
      tf.matMul(aT, b, true, false),
      tf.matMul(a, bT, false, true),
      tf.matMul(aT, bT, true, true),
      tf.matMul(m, n, true, false),
      tf.fused.matMul({ a: m, b: n, transposeA: true, bias: tf.ones([9]), activation: 'relu' }),
    ].map((t) => tf.keep(t));
  });
}

test('the wasm matmul fix gives the same products for every transposition, and can be removed', async () => {
  const environment = await probeEnvironment({ queryGpus: noGpu });
  await selectBackend({ requested: 'wasm', environment, engineDir: __dirname }); // installs the fix
  const fixed = await Promise.all(products().map((t) => t.array()));
  uninstallWasmMatMulFix();
  try {
    const stock = await Promise.all(products().map((t) => t.array()));
    assert.equal(fixed.length, stock.length);
    fixed.forEach((value, i) => {
      const [x, y] = [(value as number[][]).flat(2), (stock[i] as number[][]).flat(2)];
      assert.equal(x.length, y.length);
      x.forEach((v, j) => assert.ok(Math.abs(v - y[j]!) <= 1e-5 * Math.max(1, Math.abs(y[j]!)), `product ${i}[${j}]`));
    });
    // Removed means the stock kernel answers again: a product that needs transposing still works.
    assert.deepEqual(Array.from(await tf.matMul(tf.tensor2d([[1], [2]]), tf.tensor2d([[3], [4]]), true).data()), [11]);
  } finally {
    installWasmMatMulFix();
  }
  // The transposed copies the fix makes are freed: the backend holds no more buffers than before.
  const before = tf.backend().numDataIds();
  tf.tidy(() => {
    tf.matMul(tf.ones([4, 3]), tf.ones([4, 2]), true);
    tf.matMul(tf.ones([3, 4]), tf.ones([2, 4]), false, true);
  });
  assert.equal(tf.backend().numDataIds(), before);
});

test('wasm gets the gather gradient (UnsortedSegmentSum) it lacks, equal to the cpu backend', async () => {
  const environment = await probeEnvironment({ queryGpus: noGpu });
  const embeddingGrad = async () => {
    const table = tf.variable(tf.randomNormal([6, 3], 0, 1, 'float32', 11));
    const ids = tf.tensor2d(
      [
        [0, 2, 2],
        [5, 1, 2],
      ],
      [2, 3],
      'int32',
    );
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, ids), tf.range(1, 4))), [table]);
    const value = await grads[table.name]!.array();
    table.dispose();
    return value;
  };
  await selectBackend({ requested: 'cpu', environment, engineDir: __dirname });
  const expected = await embeddingGrad();
  await selectBackend({ requested: 'wasm', environment, engineDir: __dirname });
  assert.deepEqual(await embeddingGrad(), expected);
  const segments = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([1, 1, 0, 7], 'int32'), 3);
  assert.equal(segments.dtype, 'int32');
  assert.deepEqual(Array.from(await segments.data()), [3, 3, 0]);
});
