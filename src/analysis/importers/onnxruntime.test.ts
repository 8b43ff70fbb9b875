import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadProfile } from '../analyze';
import { OrtProfileBuilder, providerName } from './onnxruntime';

const ROOT = join(__dirname, '..', '..', '..');
const PROFILES = join(ROOT, 'test', 'fixtures', 'onnx', 'profiles');
const MNIST = join(PROFILES, 'ort130_mnist_4runs.json');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-ort-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('an ORT 1.30 profile: a step per model_run, nodes by name with their op type and provider', async () => {
  const profile = await loadProfile(MNIST);
  const events = JSON.parse(readFileSync(MNIST, 'utf8')) as Array<{ cat: string; name: string; dur: number }>;
  assert.equal(profile.steps.length, 4);
  assert.equal(profile.onnx?.runs, 4);
  // Eight nodes, each once per run, names without `_kernel_time`, providers without `ExecutionProvider`.
  assert.equal(profile.onnx.nodes.length, 8);
  assert.ok(profile.onnx.nodes.every((n) => n.calls === 4 && n.provider === 'CPU' && !n.name.endsWith('_kernel_time')));
  const conv = profile.onnx.nodes.find((n) => n.name === 'ReLU32_Output_0_nchwc')!;
  assert.equal(conv.opType, 'Conv');
  const nodeUs = events.filter((e) => e.cat === 'Node').reduce((a, e) => a + e.dur, 0);
  assert.equal(
    profile.onnx.nodes.reduce((a, n) => a + n.totalUs, 0),
    nodeUs,
  );
  for (let i = 1; i < profile.onnx.nodes.length; i++)
    assert.ok(profile.onnx.nodes[i - 1]!.totalUs >= profile.onnx.nodes[i]!.totalUs, 'longest total first');
  // Operators stay what they were: op type with the provider, over every node event.
  assert.deepEqual(
    profile.operators.map((o) => [o.name, o.calls]),
    [
      ['Conv (CPU)', 8],
      ['MaxPool (CPU)', 8],
      ['ReorderOutput (CPU)', 8],
      ['Gemm (CPU)', 4],
      ['Reshape (CPU)', 4],
    ],
  );
  // ORT 1.30 writes no fences: each run is its nodes (kernel) and the rest; the categories add up to the run.
  const [first] = profile.steps;
  assert.deepEqual([first!.startUs, first!.endUs], [18945, 18945 + 2236]);
  assert.deepEqual(first!.breakdown, { kernel: 344, fence: 0, other: 2236 - 344 });
  for (const step of profile.steps)
    assert.equal(
      step.breakdown['kernel']! + step.breakdown['fence']! + step.breakdown['other']!,
      step.endUs - step.startUs,
    );
  assert.equal(
    profile.steps.reduce((a, s) => a + s.breakdown['kernel']!, 0),
    nodeUs,
  );
});

test('the 2019 profile: fences, op types without a provider', async () => {
  const profile = await loadProfile(join(ROOT, 'test', 'fixtures', 'traces', 'ort_mnist_2019.json'));
  assert.equal(profile.onnx?.runs, 1);
  assert.equal(profile.onnx.nodes.length, 12);
  assert.ok(profile.onnx.nodes.every((n) => n.provider === ''));
  assert.deepEqual(profile.onnx.nodes[0], {
    name: 'Convolution28',
    opType: 'Conv',
    provider: '',
    calls: 1,
    totalUs: 1702,
  });
  assert.ok(profile.steps[0]!.breakdown['fence']! > 0);
  assert.equal(profile.operators[0]!.name, 'Conv');
});

test('the timeline: the session on its own track, nodes on one track per thread, parallel threads included', async () => {
  const sequential = (await loadProfile(MNIST, undefined, { spans: true })).timeline!;
  assert.deepEqual(
    sequential.tracks.map((t) => [t.name, t.kind]),
    [
      ['Session', 'steps'],
      ['thread 29540 (main)', 'cpu'],
    ],
  );
  // model_run holds SequentialExecutor::Execute: one level of nesting on the session's track.
  assert.equal(sequential.tracks[0]!.depth, 1);
  const parallel = await loadProfile(join(PROFILES, 'ort130_squeezenet_parallel_3runs.json.gz'), undefined, {
    spans: true,
  });
  const tracks = parallel.timeline!.tracks;
  assert.deepEqual(
    tracks.map((t) => t.name),
    ['Session', 'thread 29615', 'thread 29613'],
    'the inter-op pool ran the nodes on two threads, the session events stayed on the calling thread',
  );
  const perTrack = tracks.map((_, i) => parallel.timeline!.track.filter((t) => t === i).length);
  assert.deepEqual(perTrack, [8, 80, 40]);
  assert.equal(parallel.onnx?.runs, 3);
  assert.ok(parallel.onnx.nodes.every((n) => n.calls === 3));
});

test('node time is a union: nodes running at once on two threads count once; nodes outside runs are not analysed', () => {
  const builder = new OrtProfileBuilder();
  const node = (name: string, ts: number, dur: number, tid: number) => ({
    cat: 'Node',
    ph: 'X',
    name: `${name}_kernel_time`,
    ts,
    dur,
    pid: 1,
    tid,
    args: { op_name: 'MatMul', provider: 'CUDAExecutionProvider' },
  });
  for (const event of [
    node('warmup', 0, 5, 1),
    node('a', 100, 40, 2),
    node('b', 120, 40, 3),
    { cat: 'Session', ph: 'X', name: 'model_run', ts: 90, dur: 100, pid: 1, tid: 1 },
  ])
    builder.add(event);
  const profile = builder.build('x.json', 0);
  assert.deepEqual(profile.steps[0]!.breakdown, { kernel: 60, fence: 0, other: 40 });
  assert.deepEqual(
    profile.onnx?.nodes.map((n) => [n.name, n.provider, n.calls, n.totalUs]),
    [
      ['a', 'CUDA', 1, 40],
      ['b', 'CUDA', 1, 40],
    ],
  );
  assert.equal(profile.operators[0]!.calls, 3, 'operators count every node event, as before');
});

test('a profile without model_run events is one run over its nodes', async () => {
  const file = join(dir, 'noruns.json');
  writeFileSync(
    file,
    JSON.stringify([
      { cat: 'Node', ph: 'X', name: 'n1_kernel_time', ts: 10, dur: 5, pid: 1, tid: 1, args: { op_name: 'Add' } },
      { cat: 'Node', ph: 'X', name: 'n2_kernel_time', ts: 20, dur: 5, pid: 1, tid: 1, args: { op_name: 'Add' } },
    ]),
  );
  const profile = await loadProfile(file);
  assert.equal(profile.onnx?.runs, 1);
  assert.match(profile.stepsNote!, /no model_run events/);
  assert.deepEqual(profile.steps[0]!.breakdown, { kernel: 10, fence: 0, other: 5 });
  assert.equal(profile.onnx.nodes.length, 2);
});

test('provider names drop the ExecutionProvider suffix', () => {
  assert.equal(providerName('CPUExecutionProvider'), 'CPU');
  assert.equal(providerName('TensorrtExecutionProvider'), 'Tensorrt');
  assert.equal(providerName(undefined), '');
});
