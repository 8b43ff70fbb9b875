import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { OnnxSessionOptions } from '../../protocol/onnx';
import { firstNonFinite } from '../finite';
import { loadProfile } from '../analyze';
import type { OnnxProfile, Profile } from '../profile';
import { dispatchBound } from './dispatchBound';
import { dominantOp } from './dominantOp';
import { graphOptimizationsDisabled } from './graphOptimizationsDisabled';
import { findingsOf } from './index';
import { memcpyNodes } from './memcpyNodes';
import { providerFallback } from './providerFallback';
import { threadOversubscription } from './threadOversubscription';

// The ONNX Runtime rules on real ORT 1.30 profiles (test/fixtures/onnx/profiles), on profiles derived from them
// (events rewritten as a CUDA session would write them), and with the session facts TrainLens's own profiling adds.
const PROFILES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx', 'profiles');
const MNIST = join(PROFILES, 'ort130_mnist_4runs.json');
const CHAIN = join(PROFILES, 'ort130_addchain60_3runs.json.gz');
const PARALLEL = join(PROFILES, 'ort130_squeezenet_parallel_3runs.json.gz');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-onnx-rules-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type OrtEvent = { cat: string; name: string; ts: number; dur: number; args: Record<string, unknown> };

/**
 * The MNIST profile as a CUDA session would write it: Conv and Gemm on CUDA, the rest on CPU, and when `copies`,
 * a MemcpyFromHost at the start of each run and a MemcpyToHost after its last node (each `copyUs` long).
 */
async function cudaMnist(copies: boolean, copyUs = 4): Promise<Profile> {
  const events = JSON.parse(readFileSync(MNIST, 'utf8')) as OrtEvent[];
  const runs = events.filter((e) => e.name === 'model_run');
  const runOf = (ts: number) => runs.find((r) => r.ts <= ts && ts < r.ts + r.dur)!;
  const out: OrtEvent[] = [];
  for (const event of events) {
    if (event.cat === 'Node') {
      const op = event.args['op_name'];
      event.args['provider'] = op === 'Conv' || op === 'Gemm' ? 'CUDAExecutionProvider' : 'CPUExecutionProvider';
    }
    if (copies && event.name === 'ReLU32_Output_0_nchwc_kernel_time')
      out.push(copy(event, 'Memcpy', 'MemcpyFromHost', runOf(event.ts).ts + 1, copyUs));
    out.push(event);
    if (copies && event.name === 'Times212/MatMulAddFusion_kernel_time')
      out.push(copy(event, 'Memcpy_token_1', 'MemcpyToHost', event.ts + event.dur + 1, copyUs));
  }
  const file = join(dir, `cuda-${copies}-${copyUs}.json`);
  writeFileSync(file, JSON.stringify(out));
  return loadProfile(file);
}

function copy(like: OrtEvent, name: string, op: string, ts: number, dur: number): OrtEvent {
  return { ...like, name: `${name}_kernel_time`, ts, dur, args: { op_name: op, provider: 'CUDAExecutionProvider' } };
}

/** The profile with the session facts TrainLens's profiling fills in (or other nodes, to derive a profile). */
function withSession(profile: Profile, facts: Partial<OnnxProfile>): Profile {
  return { ...profile, onnx: { ...profile.onnx!, ...facts } };
}

const cpuSession: OnnxSessionOptions = { provider: 'cpu' };

test('real ORT 1.30 profiles opened alone: only what the profile shows (no session facts)', async () => {
  const ids = async (file: string) => findingsOf(await loadProfile(file)).map((f) => f.id);
  assert.deepEqual(await ids(MNIST), ['dominant-op']);
  assert.deepEqual(await ids(CHAIN), ['dispatch-bound', 'dominant-op']);
  assert.deepEqual(await ids(PARALLEL), ['dominant-op']);
});

test('dominant-op reads the op types of ORT profiles', async () => {
  const finding = dominantOp(await loadProfile(MNIST))!;
  assert.equal(finding.evidence['name'], 'Conv (CPU)');
  assert.ok((finding.evidence['percent'] as number) > 50);
});

test('provider-fallback: CPU nodes in a CUDA session, high from 20% of node time', async () => {
  const profile = await cudaMnist(false);
  assert.equal(providerFallback(profile), undefined, 'no provider requested: a profile opened alone');
  assert.equal(providerFallback(withSession(profile, { requestedProvider: 'cpu' })), undefined);
  const finding = providerFallback(withSession(profile, { requestedProvider: 'cuda' }))!;
  assert.equal(finding.id, 'provider-fallback');
  assert.equal(finding.evidence['cpuNodes'], 5);
  assert.equal(finding.evidence['opTypes'], 'MaxPool, ReorderOutput, Reshape');
  const percent = finding.evidence['cpuPercent'] as number;
  assert.ok(percent > 20 && percent < 60, `${percent}`);
  assert.equal(finding.severity, 'high');
  assert.match(
    finding.title,
    /^5 nodes \(\d+(\.\d+)?% of node time, mostly MaxPool, ReorderOutput, Reshape\) ran on CPU, not cuda/,
  );
  assert.match(finding.title, /logSeverityLevel: 0/);
  assert.equal(finding.code?.javascript, "{ executionProviders: ['cuda', 'cpu'], logSeverityLevel: 0 }");
  assert.match(finding.code.python, /providers = \['CUDAExecutionProvider', 'CPUExecutionProvider'\]/);
  // The provider named by the session options counts too; TensorRT's fix is CUDA after it.
  const trt = providerFallback(withSession(profile, { session: { provider: 'tensorrt' } }))!;
  assert.equal(trt.code?.javascript, "{ executionProviders: ['tensorrt', 'cuda', 'cpu'] }");
  // A CUDA session whose every node ran on CPU (the real CPU profile): the provider never loaded.
  const all = providerFallback(withSession(await loadProfile(MNIST), { requestedProvider: 'CUDAExecutionProvider' }))!;
  assert.match(all.title, /^Every node \(8\) ran on CPU though cuda was requested/);
  assert.deepEqual([all.severity, all.evidence['cpuPercent']], ['high', 100]);
  // Medium below 20%: only the Reshape node on CPU.
  const few = withSession(profile, {
    requestedProvider: 'cuda',
    nodes: profile.onnx!.nodes.map((n) => ({ ...n, provider: n.opType === 'Reshape' ? 'CPU' : 'CUDA' })),
  });
  assert.equal(providerFallback(few)!.severity, 'medium');
});

test('thread-oversubscription: intra × inter (parallel) over the cores, unset counts as one per core', async () => {
  const mnist = await loadProfile(MNIST);
  const check = (session: OnnxSessionOptions, cores: number) =>
    threadOversubscription(withSession(mnist, { session, cores }));
  assert.equal(threadOversubscription(mnist), undefined);
  assert.equal(check(cpuSession, 4), undefined, "ORT's default: one intra-op thread per core");
  assert.equal(check({ provider: 'cpu', intraOpThreads: 4 }, 4), undefined);
  assert.equal(
    check({ provider: 'cpu', executionMode: 'parallel', interOpThreads: 2, intraOpThreads: 2 }, 4),
    undefined,
  );
  const medium = check({ provider: 'cpu', intraOpThreads: 6 }, 4)!;
  assert.deepEqual(
    [medium.severity, medium.evidence],
    ['medium', { intraOpThreads: 6, interOpThreads: 1, threads: 6, cores: 4, threshold: 4 }],
  );
  assert.deepEqual(medium.code, { javascript: '{ intraOpNumThreads: 4 }', python: 'so.intra_op_num_threads = 4' });
  // Parallel mode with both unset: cores × cores threads.
  const unset = check({ provider: 'cpu', executionMode: 'parallel' }, 4)!;
  assert.deepEqual([unset.severity, unset.evidence['threads']], ['high', 16]);
  // The real parallel profile's session (inter 4, intra 2) on the 2-core machine that made it.
  const parallel = threadOversubscription(
    withSession(await loadProfile(PARALLEL), {
      session: { provider: 'cpu', executionMode: 'parallel', interOpThreads: 4, intraOpThreads: 2 },
      cores: 2,
    }),
  )!;
  assert.equal(parallel.severity, 'high');
  assert.match(
    parallel.title,
    /^ONNX Runtime runs 8 threads on 2 cores \(2 intra-op × 4 inter-op in parallel mode\): set interOpNumThreads: 2 and intraOpNumThreads: 1/,
  );
  assert.equal(parallel.code?.javascript, "{ executionMode: 'parallel', interOpNumThreads: 2, intraOpNumThreads: 1 }");
});

test("graph-optimizations-disabled: 'disabled' or 'basic', with the nodes 'all' removes when known", async () => {
  const mnist = await loadProfile(MNIST);
  const check = (
    graphOptimizationLevel: OnnxSessionOptions['graphOptimizationLevel'],
    graphNodes?: OnnxProfile['graphNodes'],
  ) =>
    graphOptimizationsDisabled(
      withSession(mnist, {
        session: { provider: 'cpu', ...(graphOptimizationLevel ? { graphOptimizationLevel } : {}) },
        ...(graphNodes ? { graphNodes } : {}),
      }),
    );
  assert.equal(graphOptimizationsDisabled(mnist), undefined);
  assert.equal(check(undefined), undefined, "ORT's default is 'all'");
  assert.equal(check('all'), undefined);
  assert.equal(check('extended'), undefined);
  // mnist.onnx has 12 nodes; ORT 1.30 runs 8 after its optimizations (the profiles show 12 and 8 per run).
  const disabled = check('disabled', { before: 12, after: 8 })!;
  assert.equal(disabled.severity, 'medium');
  assert.equal(
    disabled.title,
    "Graph optimizations are off: set graphOptimizationLevel: 'all' ('all' removes 4 of the model's 12 nodes)",
  );
  assert.deepEqual(disabled.evidence, {
    graphOptimizationLevel: 'disabled',
    nodesBefore: 12,
    nodesAfter: 8,
    nodesRemoved: 4,
  });
  assert.deepEqual(disabled.code, {
    javascript: "{ graphOptimizationLevel: 'all' }",
    python: 'so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL',
  });
  assert.equal(check('basic')!.severity, 'low');
  assert.equal(check('basic', { before: 12, after: 12 })!.severity, 'info');
});

test('dispatch-bound: the real chain of 60 tiny nodes; many small nodes, or mostly tiny ones', async () => {
  const chain = await loadProfile(CHAIN);
  const finding = dispatchBound(chain)!;
  assert.equal(finding.severity, 'medium');
  assert.equal(finding.evidence['nodesPerRun'], 60);
  assert.ok((finding.evidence['medianUs'] as number) < 10, JSON.stringify(finding.evidence));
  assert.ok((finding.evidence['tinyPercent'] as number) > 50);
  assert.match(finding.title, /^The time is in dispatch, not math: 60 nodes per run, median [\d.]+ µs per node/);
  assert.equal(finding.code?.javascript, "{ graphOptimizationLevel: 'all', intraOpNumThreads: 1 }");
  // 30 of those nodes: too few for the median test, but most are under 10 µs: low.
  const nodes = chain.onnx!.nodes;
  const fewer = (count: number) =>
    withSession(chain, { nodes: [...nodes].sort((a, b) => a.totalUs - b.totalUs).slice(0, count) });
  assert.equal(dispatchBound(fewer(30))!.severity, 'low');
  assert.equal(dispatchBound(fewer(19)), undefined);
  // The same 60 nodes each 30 µs: not dispatch-bound; real models with large nodes neither.
  assert.equal(
    dispatchBound(withSession(chain, { nodes: nodes.map((n) => ({ ...n, totalUs: 30 * n.calls })) })),
    undefined,
  );
  assert.equal(dispatchBound(await loadProfile(MNIST)), undefined);
  assert.equal(dispatchBound(await loadProfile(PARALLEL)), undefined);
});

test('memcpy-nodes: host↔device copies per run and their share of node time', async () => {
  assert.equal(memcpyNodes(await loadProfile(MNIST)), undefined);
  const cuda = await cudaMnist(true);
  const low = memcpyNodes(cuda)!;
  assert.equal(low.severity, 'low');
  assert.equal(low.evidence['copiesPerRun'], 2);
  assert.equal(low.evidence['copyNodes'], 2);
  assert.equal(low.evidence['cpuNodes'], 5);
  assert.match(
    low.title,
    /^2 host↔device copies per run take [\d.]+% of node time: 5 nodes on CPU between device nodes/,
  );
  const slow = memcpyNodes(await cudaMnist(true, 40))!;
  assert.equal(slow.severity, 'medium');
  assert.ok((slow.evidence['percent'] as number) >= 10);
  // Every node on the device: the copies are the inputs and outputs; I/O binding keeps them there.
  const onDevice = withSession(cuda, { nodes: cuda.onnx!.nodes.map((n) => ({ ...n, provider: 'CUDA' })) });
  assert.match(memcpyNodes(onDevice)!.title, /I\/O binding/);
  assert.match(memcpyNodes(onDevice)!.code!.python, /io_binding/);
  // The CUDA session's findings together: fallback, copies, all with finite evidence.
  const all = findingsOf(withSession(cuda, { requestedProvider: 'cuda', session: { provider: 'cuda' }, cores: 8 }));
  assert.deepEqual(
    all.map((f) => f.id),
    ['provider-fallback', 'memcpy-nodes', 'dominant-op'],
  );
  for (const f of all) assert.equal(firstNonFinite(f.evidence), undefined, f.id);
});

test('findings on empty ONNX data stay quiet and finite', () => {
  const empty: Profile = {
    source: 'onnxruntime',
    file: 'x.json',
    devices: [],
    categories: ['kernel', 'fence', 'other'],
    steps: [],
    kernels: [],
    operators: [],
    onnx: {
      nodes: [],
      runs: 0,
      session: { provider: 'cuda', graphOptimizationLevel: 'all' },
      requestedProvider: 'cuda',
      cores: 4,
    },
    stats: { events: 0, bytes: 0 },
  };
  assert.deepEqual(findingsOf(empty), []);
});
