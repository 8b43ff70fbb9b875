// The ONNX fixtures in test/fixtures/onnx/ are what scripts/make-onnx-fixtures.ts writes, and ONNX Runtime itself
// loads the good ones (and runs them with the values the weights give) and refuses the bad ones.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import {
  buildOnnxFixtures,
  COPIED_MODELS,
  externalWeights,
  FIXTURE_DIR,
  truncatedMnist,
} from '../../../scripts/make-onnx-fixtures';
import { float32Bytes, seededUniform } from '../../../scripts/onnxWriter';
import { checkRunnable, readOnnxModel } from './modelFile';

const fixture = (name: string) => join(FIXTURE_DIR, name);
// ONNX Runtime's warnings (light_resnet50 has an unused initializer) are not this test's output.
ort.env.logLevel = 'error';
const dir = mkdtempSync(join(tmpdir(), 'trainlens-onnx-fixtures-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** y = relu?(x · W) for a row-major x [rows, n] and W [n, m]. */
function matmul(x: Float32Array, w: Float32Array, rows: number, n: number, m: number, relu: boolean): Float32Array {
  const y = new Float32Array(rows * m);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < m; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += x[r * n + k]! * w[k * m + j]!;
      y[r * m + j] = relu ? Math.max(0, sum) : sum;
    }
  return y;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++)
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `element ${i}: ${actual[i]} vs ${expected[i]}`);
}

test('the committed fixtures are what the script writes (run `npx tsx scripts/make-onnx-fixtures.ts`)', () => {
  for (const [name, bytes] of buildOnnxFixtures())
    assert.ok(Buffer.from(bytes).equals(readFileSync(fixture(name))), `${name} differs from the script's output`);
  const mnist = readFileSync(fixture('mnist.onnx'));
  assert.ok(Buffer.from(truncatedMnist(mnist)).equals(readFileSync(fixture('truncated.onnx'))));
  for (const name of COPIED_MODELS) assert.ok(readFileSync(fixture(name)).length > 0, name);
});

test('symbolic_matmul.onnx runs with batch 4 and gives relu(x · W)', async () => {
  const session = await ort.InferenceSession.create(fixture('symbolic_matmul.onnx'));
  const x = seededUniform(4 * 64, 7, 1);
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [4, 64]) });
  await session.release();
  assert.ok(y);
  assert.deepEqual(y.dims, [4, 64]);
  assertClose(y.data as Float32Array, matmul(x, seededUniform(64 * 64, 1, 0.3), 4, 64, 64, true));
});

test('two_branches.onnx runs in parallel execution mode', async () => {
  const session = await ort.InferenceSession.create(fixture('two_branches.onnx'), {
    executionMode: 'parallel',
    interOpNumThreads: 2,
  });
  const x = seededUniform(8 * 256, 8, 1);
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [8, 256]) });
  await session.release();
  assert.ok(y);
  assert.deepEqual(y.dims, [8, 256]);
  const chain = (seed: number) => {
    const w = seededUniform(256 * 256, seed, Math.sqrt(6 / 256));
    let h = x;
    for (let i = 0; i < 3; i++) h = matmul(h, w, 8, 256, 256, true);
    return h;
  };
  const a = chain(2);
  const b = chain(3);
  assertClose(
    y.data as Float32Array,
    a.map((value, i) => value + b[i]!),
    1e-3,
  );
});

test('custom_op.onnx: ONNX Runtime refuses it, as checkRunnable said it would', async () => {
  await assert.rejects(
    ort.InferenceSession.create(fixture('custom_op.onnx')),
    /ai\.onnx\.contrib:StringRegexReplace\(-1\) is not a registered function\/op/,
  );
  assert.throws(() => checkRunnable(readOnnxModel(fixture('custom_op.onnx'))), /ai\.onnx\.contrib/);
});

test('external_data.onnx: refused without weights.bin; with it beside the model, ONNX Runtime runs it', async () => {
  await assert.rejects(
    ort.InferenceSession.create(fixture('external_data.onnx')),
    /External data path does not exist.*weights\.bin/,
  );
  const model = join(dir, 'external_data.onnx');
  copyFileSync(fixture('external_data.onnx'), model);
  const weights = externalWeights();
  writeFileSync(join(dir, 'weights.bin'), float32Bytes(weights));
  const summary = readOnnxModel(model);
  assert.deepEqual(summary.externalData, [{ file: 'weights.bin', bytes: 1024, present: true }]);
  checkRunnable(summary);
  const session = await ort.InferenceSession.create(model);
  const x = seededUniform(16, 9, 1);
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [1, 16]) });
  await session.release();
  assert.ok(y);
  assertClose(y.data as Float32Array, matmul(x, weights, 1, 16, 16, false));
});

test('string_input.onnx loads and echoes a string tensor', async () => {
  const session = await ort.InferenceSession.create(fixture('string_input.onnx'));
  assert.deepEqual(session.inputMetadata[0], { name: 'text', isTensor: true, type: 'string', shape: [1] });
  const { out } = await session.run({ text: new ort.Tensor('string', ['hello'], [1]) });
  await session.release();
  assert.deepEqual(out?.data, ['hello']);
});

test('not_onnx, truncated and empty: ONNX Runtime refuses them too', async () => {
  for (const name of ['not_onnx.onnx', 'truncated.onnx'])
    await assert.rejects(ort.InferenceSession.create(fixture(name)), /Protobuf parsing failed/, name);
  await assert.rejects(ort.InferenceSession.create(fixture('empty.onnx')));
});
