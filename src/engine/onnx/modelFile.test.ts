import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { assertOnnxError } from '../../../test/support/onnx';
import type { OnnxModelSummary } from '../../protocol/onnx';
import { checkRunnable, OnnxModelError, readOnnxModel, summarizeOnnxBytes } from './modelFile';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx');
const fixture = (name: string) => join(FIXTURES, name);
// ONNX Runtime's warnings (light_resnet50 has an unused initializer) are not this test's output.
ort.env.logLevel = 'error';
const dir = mkdtempSync(join(tmpdir(), 'trainlens-onnx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Node counts by op type from ONNX Runtime's own profiler, graph optimizations off (so nodes are the file's). */
async function ortOpCounts(model: string): Promise<Record<string, number>> {
  const prefix = join(dir, `profile-${model.replace(/\W/g, '_')}`);
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'disabled',
    enableProfiling: true,
    profileFilePrefix: prefix,
  });
  const feeds: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    assert.ok(meta.isTensor);
    const shape = meta.shape as number[];
    feeds[meta.name] = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  }
  await session.run(feeds);
  await session.release();
  const file = readdirSync(dir).find((name) => join(dir, name).startsWith(prefix));
  assert.ok(file, 'ORT wrote its profile');
  const counts: Record<string, number> = {};
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Array<{
    cat: string;
    name: string;
    args: { op_name?: string };
  }>;
  for (const event of events)
    if (event.cat === 'Node' && event.name.endsWith('_kernel_time') && event.args.op_name)
      counts[event.args.op_name] = (counts[event.args.op_name] ?? 0) + 1;
  return counts;
}

/** The summary's op counts as a record (all in the default domain for these models). */
function opCounts(summary: OnnxModelSummary): Record<string, number> {
  return Object.fromEntries(summary.opTypes.map((op) => [op.opType, op.count]));
}

test('mnist: inputs, outputs, opsets, op types and initializers as the file and ONNX Runtime say', async () => {
  const path = fixture('mnist.onnx');
  const summary = readOnnxModel(path);
  assert.equal(summary.path, path);
  assert.equal(summary.bytes, 26454);
  assert.equal(summary.irVersion, 3);
  assert.equal(summary.producer, 'CNTK 2.5.1');
  assert.deepEqual(summary.opsets, [{ domain: 'ai.onnx', version: 8 }]);
  assert.deepEqual(summary.inputs, [{ name: 'Input3', dtype: 'float32', shape: [1, 1, 28, 28] }]);
  assert.deepEqual(summary.outputs, [{ name: 'Plus214_Output_0', dtype: 'float32', shape: [1, 10] }]);
  assert.equal(summary.nodes, 12);
  assert.deepEqual(summary.opTypes.slice(0, 2), [
    { opType: 'Add', domain: 'ai.onnx', count: 3 },
    { opType: 'Conv', domain: 'ai.onnx', count: 2 },
  ]);
  assert.deepEqual(opCounts(summary), await ortOpCounts(path));
  // Conv weights 8×1×5×5 and 16×8×5×5, biases 8 and 16, the dense 256×10 and its bias, two int64[2] shapes.
  assert.deepEqual(summary.initializers, { count: 8, bytes: (200 + 3200 + 8 + 16 + 2560 + 10) * 4 + 2 * 16 });
  assert.deepEqual(summary.externalData, []);
  checkRunnable(summary);
  // The summary is plain data: it crosses the protocol as JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
});

test('light_squeezenet, light_resnet50 and matmul_2d agree with ONNX Runtime', async () => {
  for (const name of ['light_squeezenet.onnx', 'light_resnet50.onnx', 'matmul_2d.onnx']) {
    const path = fixture(name);
    const summary = readOnnxModel(path);
    const session = await ort.InferenceSession.create(path);
    const meta = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
      list.map((value) => ({
        name: value.name,
        dtype: value.isTensor ? value.type : '?',
        shape: value.isTensor ? [...value.shape] : [],
      }));
    assert.deepEqual(summary.inputs, meta(session.inputMetadata), name);
    assert.deepEqual(summary.outputs, meta(session.outputMetadata), name);
    await session.release();
    const total = summary.opTypes.reduce((sum, op) => sum + op.count, 0);
    assert.equal(total, summary.nodes, `${name}: no subgraphs, so the op counts add up to the nodes`);
    if (name !== 'matmul_2d.onnx') assert.deepEqual(opCounts(summary), await ortOpCounts(path), name);
    checkRunnable(summary);
  }
  const squeezenet = readOnnxModel(fixture('light_squeezenet.onnx'));
  assert.equal(squeezenet.nodes, 105);
  assert.deepEqual(squeezenet.opTypes[0], { opType: 'ConstantOfShape', domain: 'ai.onnx', count: 39 });
  const resnet = readOnnxModel(fixture('light_resnet50.onnx'));
  assert.equal(resnet.nodes, 415);
  assert.equal(opCounts(resnet).Conv, 53);
});

test('summarizeOnnxBytes gives what readOnnxModel gives', () => {
  const path = fixture('mnist.onnx');
  assert.deepEqual(summarizeOnnxBytes(readFileSync(path), path), readOnnxModel(path));
  const copy = new Uint8Array(readFileSync(path)); // a plain Uint8Array, not a Buffer
  assert.deepEqual(summarizeOnnxBytes(copy, path), readOnnxModel(path));
});

test('the generated fixtures: symbolic dims, string inputs, external data', () => {
  const symbolic = readOnnxModel(fixture('symbolic_matmul.onnx'));
  assert.deepEqual(symbolic.inputs, [{ name: 'x', dtype: 'float32', shape: ['batch', 64] }]);
  assert.deepEqual(symbolic.outputs, [{ name: 'y', dtype: 'float32', shape: ['batch', 64] }]);
  assert.deepEqual(symbolic.initializers, { count: 1, bytes: 64 * 64 * 4 });
  const branches = readOnnxModel(fixture('two_branches.onnx'));
  assert.equal(branches.nodes, 13);
  assert.deepEqual(opCounts(branches), { MatMul: 6, Relu: 6, Add: 1 });
  const strings = readOnnxModel(fixture('string_input.onnx'));
  assert.deepEqual(strings.inputs, [{ name: 'text', dtype: 'string', shape: [1] }]);
  checkRunnable(strings); // string inputs are the input synthesizer's to refuse
  const external = readOnnxModel(fixture('external_data.onnx'));
  assert.deepEqual(external.initializers, { count: 1, bytes: 1024 });
  assert.deepEqual(external.externalData, [{ file: 'weights.bin', bytes: 1024, present: false }]);
});

test('not_onnx, truncated and empty fixtures are refused by kind, naming the file and the way out', () => {
  assertOnnxError(
    () => readOnnxModel(fixture('not_onnx.onnx')),
    'not-onnx',
    fixture('not_onnx.onnx'),
    /looks like JSON text.*torch\.onnx\.export/,
  );
  assertOnnxError(
    () => readOnnxModel(fixture('truncated.onnx')),
    'truncated',
    fixture('truncated.onnx'),
    /is cut off: it has 15,872 bytes and ends inside the main graph .*download or copy stopped early/,
  );
  assertOnnxError(
    () => readOnnxModel(fixture('empty.onnx')),
    'not-onnx',
    fixture('empty.onnx'),
    /is empty \(0 bytes\)/,
  );
});

test('other formats are named: zip, HDF5, Git LFS pointer, HTML, text, a protobuf that is not a model', () => {
  const cases: Array<[string, string | Uint8Array, RegExp]> = [
    ['model.pt', Buffer.from('PK\x03\x04\x14\x00\x00\x00archive/data.pkl', 'latin1'), /zip archive.*PyTorch/],
    ['model.h5', Buffer.from('\x89HDF\r\n\x1a\n\x00\x00\x00\x00', 'latin1'), /HDF5 file \(a Keras \.h5 model\)/],
    [
      'lfs.onnx',
      'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 26454\n',
      /Git LFS pointer.*git lfs pull/,
    ],
    ['page.onnx', '<!DOCTYPE html><html><body>Sign in</body></html>', /HTML or XML page/],
    ['notes.onnx', 'This is not a model, just some notes.\nSecond line.\n', /looks like a text file/],
    [
      'text.onnx',
      '<\n  ir_version: 8,\n  opset_import: ["" : 17]\n>\nagraph (float[N] x) => (float[N] y) {\n',
      /ONNX text format/,
    ],
    // A valid protobuf (field 1 = 5, field 2 = "x") with no graph.
    ['proto.onnx', new Uint8Array([0x08, 0x05, 0x12, 0x01, 0x78]), /reads as protobuf but has no graph/],
  ];
  for (const [name, content, pattern] of cases) {
    const path = join(dir, name);
    writeFileSync(path, content);
    assertOnnxError(() => readOnnxModel(path), 'not-onnx', path, pattern);
  }
});

test('only regular files: a folder, a FIFO (without hanging), a device and a missing file are not-a-file', () => {
  assertOnnxError(() => readOnnxModel(dir), 'not-a-file', dir, /is a folder/);
  const fifo = join(dir, 'model.fifo');
  execFileSync('mkfifo', [fifo]);
  const started = Date.now();
  assertOnnxError(() => readOnnxModel(fifo), 'not-a-file', fifo, /named pipe \(FIFO\)/);
  assert.ok(Date.now() - started < 1000);
  assertOnnxError(() => readOnnxModel('/dev/zero'), 'not-a-file', '/dev/zero', /is a device/);
  const missing = join(dir, 'missing.onnx');
  assertOnnxError(() => readOnnxModel(missing), 'not-a-file', missing, /does not exist.*Check the path/);
});

test('a 3 GiB (sparse) file is refused before a byte is read, with the external-data way out', () => {
  const big = join(dir, 'big.onnx');
  execFileSync('truncate', ['-s', '3G', big]);
  try {
    const started = Date.now();
    assertOnnxError(
      () => readOnnxModel(big),
      'too-large',
      big,
      /is 3\.0 GiB \(3,221,225,472 bytes\), over the 2 GiB.*save_as_external_data=True/,
    );
    assert.ok(Date.now() - started < 500, 'refused without reading');
  } finally {
    rmSync(big);
  }
});

/** mulberry32: the fuzz test's cases are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('500 seeded truncations and byte flips of mnist.onnx throw nothing but OnnxModelError', () => {
  const path = fixture('mnist.onnx');
  const original = readFileSync(path);
  const next = random(14);
  const kinds: Record<string, number> = {};
  for (let i = 0; i < 500; i++) {
    let bytes: Uint8Array;
    if (i % 2 === 0) bytes = original.subarray(0, Math.floor(next() * original.length));
    else {
      bytes = Uint8Array.from(original);
      const flips = 1 + Math.floor(next() * 8);
      for (let f = 0; f < flips; f++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
    }
    try {
      const summary = summarizeOnnxBytes(bytes, path);
      checkRunnable(summary);
      kinds.ok = (kinds.ok ?? 0) + 1;
    } catch (error) {
      if (!(error instanceof OnnxModelError)) assert.fail(`case ${i}: ${String(error)}`);
      assert.ok(error.message.startsWith(`ONNX model ${path}`));
      kinds[error.kind] = (kinds[error.kind] ?? 0) + 1;
    }
  }
  // Cuts inside the graph are truncated; flips give not-onnx, or a model that still reads.
  assert.ok((kinds.truncated ?? 0) > 150, JSON.stringify(kinds));
  assert.ok((kinds['not-onnx'] ?? 0) > 10, JSON.stringify(kinds));
});
