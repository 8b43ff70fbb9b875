import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { probeEnvironment } from '../../engine/environment/probe';
import { runTraining } from '../../engine/run/runTraining';
import { loadProfile } from '../analyze';
import { findingsOf } from './index';

// The rules on real data: recorded PyTorch traces, and a real TrainLens run fed by a slow data module.
const ROOT = join(__dirname, '..', '..', '..');
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-rules-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ids = async (file: string) =>
  findingsOf(await loadProfile(file))
    .map((f) => f.id)
    .sort();

test('recorded traces: which rules fire and which do not', async () => {
  assert.deepEqual(await ids(join(TRACES, 'hta_nccl_2ranks_a100.json.gz')), ['low-gpu-utilization', 'small-kernels']);
  assert.deepEqual(await ids(join(TRACES, 'hta_cpu_only_rank34.json.gz')), ['comm-bound']);
  // A busy V100 (97% kernel time, 0.8% runtime) whose GEMMs and convolutions run in FP32, none on tensor cores: only
  // mixed precision is left to gain. The A100 trace above runs its GEMMs on tensor cores (TF32): no such finding.
  assert.deepEqual(await ids(join(TRACES, 'hta_ns_resolution_v100.json.gz')), ['amp-eligible']);
  // ONNX Runtime: one op type (Conv) dominates the kernel time of the MNIST model.
  const ort = findingsOf(await loadProfile(join(TRACES, 'ort_mnist_2019.json')));
  assert.deepEqual(
    ort.map((f) => f.id),
    ['dominant-op'],
  );
});

test('a real run waiting for a slow data module is input-bound; the fix is prefetching', async () => {
  const { findings } = await runIds('slow', {
    data: `{ source: module, path: ${JSON.stringify(join(ROOT, 'test', 'fixtures', 'modules', 'slow.cjs'))}, batch_size: 16 }`,
    training: '{ steps: 30, optimizer: { name: adam }, loss: categorical_crossentropy }',
    engine: '{ backend: cpu }',
  });
  const input = findings.find((f) => f.id === 'input-bound');
  assert.ok(input, JSON.stringify(findings));
  assert.equal(input.severity, 'high');
  assert.ok((input.evidence['data_waitPercent'] as number) >= 20, JSON.stringify(input.evidence));
  assert.equal(input.fix?.path, 'data.prefetch');
});

/** The parts of a small profiled config that differ between the runs below (YAML flow mappings). */
interface RunParts {
  readonly data: string;
  readonly training: string;
  readonly engine?: string;
  /** More monitoring settings after the profiling window's. */
  readonly monitoring?: string;
}

/** Trains a small config for real and returns the ids of the findings on its profile. */
async function runIds(
  name: string,
  parts: RunParts,
): Promise<{ ids: string[]; findings: ReturnType<typeof findingsOf> }> {
  const config = join(dir, `${name}.trainlens.yaml`);
  const lines = [
    'version: 1',
    MODEL,
    `data: ${parts.data}`,
    `training: ${parts.training}`,
    'optimization: { level: custom }',
    `${PROFILING}${parts.monitoring ? `, ${parts.monitoring}` : ''} }`,
    `engine: ${parts.engine ?? '{ backend: wasm }'}`,
  ];
  writeFileSync(config, [...lines, ''].join('\n'));
  const environment = await probeEnvironment({
    queryGpus: () => Promise.resolve({ gpus: [], reason: 'no GPU on the test machine' }),
  });
  const summary = await runTraining(
    { configPath: config, outDir: join(dir, name) },
    { engineDir: __dirname, environment },
  );
  const findings = findingsOf(await loadProfile(summary.runDir));
  return { ids: findings.map((f) => f.id).sort(), findings };
}

const MODEL = 'model: { preset: mlp, input_shape: [3], hidden: [8], outputs: 3 }';
const PROFILING =
  'monitoring: { log_every: 10, profiling: { enabled: true, warmup_steps: 2, steps: 20, kernel_sampling: false }';

test('real runs: a cpu run where wasm is installed, checkpoints and validation at every step, a leaking data module', async () => {
  const fallback = await runIds('fallback', {
    data: '{ source: synthetic, samples: 1024, batch_size: 16 }',
    training: '{ steps: 30, optimizer: { name: adam }, loss: categorical_crossentropy }',
    engine: '{ backend: cpu }',
  });
  assert.ok(fallback.ids.includes('backend-fallback'), fallback.ids.join());
  assert.equal(fallback.findings.find((f) => f.id === 'backend-fallback')!.evidence['faster'], 'wasm');
  assert.ok(
    !fallback.ids.includes('checkpoint-overhead') && !fallback.ids.includes('eval-overhead'),
    'no checkpoints or validation in that run',
  );

  const overhead = await runIds('overhead', {
    data: '{ source: synthetic, samples: 1024, batch_size: 16, validation_split: 0.1 }',
    training: '{ steps: 30, optimizer: { name: adam }, loss: categorical_crossentropy, validation_every: 1 }',
    monitoring: 'checkpoints: { every: 1, keep: 1 }',
  });
  assert.ok(
    overhead.ids.includes('checkpoint-overhead') && overhead.ids.includes('eval-overhead'),
    overhead.ids.join(),
  );
  assert.ok(!overhead.ids.includes('backend-fallback'), 'wasm is the fastest backend installed here');

  const leak = await runIds('leak', {
    data: `{ source: module, path: ${JSON.stringify(join(ROOT, 'test', 'fixtures', 'modules', 'leaky.cjs'))}, batch_size: 16 }`,
    training: '{ steps: 40, optimizer: { name: adam }, loss: categorical_crossentropy }',
  });
  const found = leak.findings.find((f) => f.id === 'tensor-leak');
  assert.ok(found, leak.ids.join());
  assert.equal(found.evidence['phase'], 'data');
  assert.ok(!overhead.ids.includes('tensor-leak'), 'the engine itself leaks nothing');
});

test('real runs: a loss that overflows to NaN, and resident memory over the run limit', async () => {
  const nan = await runIds('nan', {
    data: `{ source: module, path: ${JSON.stringify(join(ROOT, 'test', 'fixtures', 'modules', 'exploding.cjs'))}, batch_size: 16 }`,
    training: '{ steps: 30, optimizer: { name: sgd, learning_rate: 0.1 }, loss: categorical_crossentropy }',
  });
  const found = nan.findings.find((f) => f.id === 'nan-loss');
  assert.ok(found, nan.ids.join());
  assert.match(String(found.evidence['reason']), /the loss became NaN/);
  assert.equal(found.fix?.path, 'training.clip_norm');

  // This test process's resident memory is far above 64 MiB: the memory monitor sees it, and so does the rule.
  const pressure = await runIds('pressure', {
    data: '{ source: synthetic, samples: 1024, batch_size: 16 }',
    training: '{ steps: 30, optimizer: { name: adam }, loss: categorical_crossentropy }',
    engine: '{ backend: wasm, memory_limit_mb: 64 }',
  });
  const memory = pressure.findings.find((f) => f.id === 'memory-pressure');
  assert.ok(memory, pressure.ids.join());
  assert.ok((memory.evidence['peakPercent'] as number) >= 100, JSON.stringify(memory.evidence));
  assert.deepEqual([memory.fix?.path, memory.fix?.value], ['data.batch_size', 8]);
  assert.ok(!pressure.ids.includes('nan-loss'), 'a healthy loss');
  // Without a limit the run may use the machine's memory: no pressure.
  const roomy = await runIds('roomy', {
    data: '{ source: synthetic, samples: 1024, batch_size: 16 }',
    training: '{ steps: 30, optimizer: { name: adam }, loss: categorical_crossentropy }',
  });
  assert.ok(!roomy.ids.includes('memory-pressure'), roomy.ids.join());
});
