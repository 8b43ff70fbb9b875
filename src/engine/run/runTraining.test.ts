import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { probeEnvironment } from '../environment/probe';
import { deterministicMetrics } from '../../../test/support/metrics';
import { runTraining } from './runTraining';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));
/** The real environment probe; no GPU exists on the test machines, so nvidia-smi's answer is the recorded "none". */
const noGpuEnvironment = () =>
  probeEnvironment({ queryGpus: () => Promise.resolve({ gpus: [], reason: 'no GPU on the test machine' }) });
const quickstart = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'quickstart.yaml'), 'utf8');

test('trains the quickstart for real: the loss falls, and the run record is complete', async () => {
  const configPath = join(dir, 'quickstart.trainlens.yaml');
  writeFileSync(configPath, quickstart.replace('log_every: 20', 'log_every: 10'));
  const environment = await noGpuEnvironment();
  const progress: number[] = [];
  const summary = await runTraining(
    { configPath, steps: 120 },
    { engineDir: __dirname, environment, hooks: { onProgress: (s) => progress.push(s) } },
  );
  assert.equal(summary.status, 'completed');
  assert.equal(summary.backend, 'wasm');
  assert.equal(summary.steps, 120);
  assert.ok(summary.samplesPerSec > 0);
  assert.equal(progress.at(-1), 120);
  const metrics = readFileSync(join(summary.runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: number; values: { loss: number } });
  assert.equal(metrics.length, 12);
  assert.ok(
    metrics.at(-1)!.values.loss < metrics[0]!.values.loss * 0.8,
    `loss ${metrics[0]!.values.loss} → ${metrics.at(-1)!.values.loss}`,
  );
  const run = JSON.parse(readFileSync(join(summary.runDir, 'run.json'), 'utf8')) as {
    status: string;
    resolved: { backend: string; skippedBackends: Array<{ name: string }>; parameters: number };
  };
  assert.equal(run.status, 'completed');
  assert.equal(run.resolved.parameters, 85_002);
  assert.deepEqual(
    run.resolved.skippedBackends.map((s) => s.name),
    ['tensorflow-gpu', 'tensorflow'],
  );
});

test('the same seed gives the same losses on the cpu backend', async () => {
  const configPath = join(dir, 'det.trainlens.yaml');
  writeFileSync(configPath, quickstart.replace('log_every: 20', 'log_every: 5'));
  const environment = await noGpuEnvironment();
  const losses = async () => {
    const summary = await runTraining(
      { configPath, steps: 15, backend: 'cpu', outDir: join(dir, 'det') },
      { engineDir: __dirname, environment },
    );
    return readFileSync(join(summary.runDir, 'metrics.jsonl'), 'utf8');
  };
  const a = (await losses()).split('\n').map((l) => l && (JSON.parse(l) as { values: { loss: number } }).values.loss);
  const b = (await losses()).split('\n').map((l) => l && (JSON.parse(l) as { values: { loss: number } }).values.loss);
  assert.deepEqual(a, b);
});

test('an invalid config fails before training with the file and line:column', async () => {
  const configPath = join(dir, 'bad.trainlens.yaml');
  writeFileSync(configPath, quickstart.replace('batch_size: 32', 'batch_size: 0'));
  const environment = await noGpuEnvironment();
  await assert.rejects(
    runTraining({ configPath }, { engineDir: __dirname, environment }),
    (error: Error & { file?: string }) => {
      assert.equal(error.file, configPath);
      assert.match(error.message, /^18:15: data\.batch_size must be 1 ≤ value ≤ 65536/);
      return true;
    },
  );
});

test('resuming from a checkpoint reproduces the uninterrupted run exactly on the cpu backend', async () => {
  const configPath = join(dir, 'resume.trainlens.yaml');
  writeFileSync(
    configPath,
    quickstart
      .replace('log_every: 20', 'log_every: 5')
      .replace('monitoring:\n', 'monitoring:\n  checkpoints:\n    every: 10\n    keep: 2\n'),
  );
  const environment = await noGpuEnvironment();
  const losses = deterministicMetrics;
  const full = await runTraining(
    { configPath, steps: 40, backend: 'cpu', outDir: join(dir, 'full') },
    { engineDir: __dirname, environment },
  );
  const first = await runTraining(
    { configPath, steps: 20, backend: 'cpu', outDir: join(dir, 'parts') },
    { engineDir: __dirname, environment },
  );
  const resumed = await runTraining(
    { configPath, steps: 40, backend: 'cpu', outDir: join(dir, 'parts'), resume: 'latest' },
    { engineDir: __dirname, environment },
  );
  assert.equal(resumed.runDir, first.runDir);
  assert.equal(resumed.steps, 40);
  assert.deepEqual(losses(resumed.runDir), losses(full.runDir));
  // keep: 2 retains the two newest checkpoints.
  const { listCheckpoints } = await import('./checkpoint');
  assert.deepEqual(listCheckpoints(join(resumed.runDir, 'checkpoints')), ['step-00000030', 'step-00000040']);
});

test('resuming refuses a changed config', async () => {
  const configPath = join(dir, 'resume.trainlens.yaml');
  const environment = await noGpuEnvironment();
  writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('learning_rate: 0.001', 'learning_rate: 0.002'));
  await assert.rejects(
    runTraining(
      { configPath, backend: 'cpu', outDir: join(dir, 'parts'), resume: 'latest' },
      { engineDir: __dirname, environment },
    ),
    /the config changed since/,
  );
});

test('memory is sampled into memory.jsonl; a tight memory limit with reduce_batch halves the batch and keeps the effective batch', async () => {
  const configPath = join(dir, 'memory.trainlens.yaml');
  const rssMb = Math.ceil(process.memoryUsage().rss / 1024 / 1024);
  writeFileSync(
    configPath,
    quickstart
      .replace('log_every: 20', 'log_every: 5\n  memory_interval_ms: 50')
      .replace('level: basic', `level: custom\n  memory:\n    warn_at: 0.5\n    act_at: 0.6\n    action: reduce_batch`)
      .replace('backend: auto', `backend: cpu\n  memory_limit_mb: ${rssMb}`),
  );
  const environment = await noGpuEnvironment();
  const memoryEvents: string[] = [];
  const summary = await runTraining(
    { configPath, steps: 30, outDir: join(dir, 'mem') },
    { engineDir: __dirname, environment, onMemoryEvent: (e) => memoryEvents.push(`${e.kind}: ${e.message}`) },
  );
  assert.equal(summary.status, 'completed');
  const samples = readFileSync(join(summary.runDir, 'memory.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { tensors: number; rssBytes: number });
  assert.ok(samples.length >= 1 && samples[0]!.rssBytes > 0);
  assert.ok(
    memoryEvents.some((e) => /^act: memory at/.test(e)),
    memoryEvents.join('\n'),
  );
  assert.ok(
    memoryEvents.some((e) =>
      /^action: .*reduce_batch: batch 32 → 16, gradient accumulation 1 → 2 \(effective batch kept\)/.test(e),
    ),
    memoryEvents.join('\n'),
  );
  const run = JSON.parse(readFileSync(join(summary.runDir, 'run.json'), 'utf8')) as { events: Array<{ kind: string }> };
  assert.ok(run.events.some((e) => e.kind === 'action'));
  // No leak is reported by the loop itself.
  assert.ok(!memoryEvents.some((e) => e.startsWith('tensor-leak')), memoryEvents.join('\n'));
});

test('dispose_caches drops the batches prepared ahead when memory runs high, and the run goes on', async () => {
  const configPath = join(dir, 'dispose.trainlens.yaml');
  const rssMb = Math.ceil(process.memoryUsage().rss / 1024 / 1024);
  writeFileSync(
    configPath,
    quickstart
      .replace('prefetch: 0', 'prefetch: 4')
      .replace('log_every: 20', 'log_every: 5\n  memory_interval_ms: 50')
      .replace(
        'level: basic',
        'level: custom\n  memory:\n    warn_at: 0.5\n    act_at: 0.6\n    action: dispose_caches',
      )
      .replace('backend: auto', `backend: wasm\n  memory_limit_mb: ${rssMb}`),
  );
  const events: string[] = [];
  const summary = await runTraining(
    { configPath, steps: 30, outDir: join(dir, 'dispose') },
    {
      engineDir: __dirname,
      environment: await noGpuEnvironment(),
      onMemoryEvent: (e) => events.push(`${e.kind}: ${e.message}`),
    },
  );
  assert.equal(summary.status, 'completed');
  assert.equal(summary.steps, 30);
  const actions = events.filter((e) => e.startsWith('action: '));
  assert.equal(actions.length, 1, events.join('\n'));
  assert.match(
    actions[0]!,
    /dispose_caches: dropped 4 batches prepared ahead \(37\.0 KiB\) and stopped preparing ahead/,
  );
});

test('the checkpoint with the best validation metric is kept apart from the regular ones', async () => {
  const configPath = join(dir, 'best.trainlens.yaml');
  writeFileSync(
    configPath,
    quickstart
      .replace('log_every: 20', 'log_every: 5')
      .replace('metrics: [accuracy]', 'metrics: [accuracy]\n  validation_every: 10')
      .replace(
        'monitoring:\n',
        'monitoring:\n  checkpoints:\n    every: 10\n    keep: 1\n    best_metric: val_loss\n    mode: min\n',
      ),
  );
  const environment = await noGpuEnvironment();
  const summary = await runTraining(
    { configPath, steps: 40, backend: 'cpu', outDir: join(dir, 'best') },
    { engineDir: __dirname, environment },
  );
  const { listCheckpoints, readCheckpointState } = await import('./checkpoint');
  const validations = readFileSync(join(summary.runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: number; values: { val_loss?: number } })
    .filter((r) => r.values.val_loss !== undefined);
  const bestStep = validations.reduce((a, b) => (b.values.val_loss! < a.values.val_loss! ? b : a)).step;
  const best = listCheckpoints(join(summary.runDir, 'checkpoints', 'best'));
  assert.equal(best.length, 1);
  assert.equal(readCheckpointState(join(summary.runDir, 'checkpoints', 'best', best[0]!)).step, bestStep);
  assert.deepEqual(listCheckpoints(join(summary.runDir, 'checkpoints')), ['step-00000040']);
});

test('a saved TF.js model (model.path) trains on synthetic data shaped like its inputs and outputs', async () => {
  const tf = await import('@tensorflow/tfjs');
  const { saveModel } = await import('../model/save');
  await tf.setBackend('cpu');
  const saved = tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, inputShape: [12], activation: 'relu' }),
      tf.layers.dense({ units: 4, activation: 'softmax' }),
    ],
  });
  await saveModel(saved, join(dir, 'saved-model'));
  const configPath = join(dir, 'saved.trainlens.yaml');
  writeFileSync(configPath, quickstart.replace(/model:\n( {2}.*\n)+/, 'model:\n  path: saved-model/model.json\n'));
  const environment = await noGpuEnvironment();
  const summary = await runTraining(
    { configPath, steps: 20, backend: 'cpu', outDir: join(dir, 'saved-runs') },
    { engineDir: __dirname, environment },
  );
  assert.equal(summary.status, 'completed');
  const run = JSON.parse(readFileSync(join(summary.runDir, 'run.json'), 'utf8')) as {
    resolved: { parameters: number };
  };
  assert.equal(run.resolved.parameters, 12 * 16 + 16 + 16 * 4 + 4);
});
