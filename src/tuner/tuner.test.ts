import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EngineClient } from '../engineClient/engineClient';
import { startRun } from '../engineClient/runSession';
import { BATCH_MARGIN, tune } from './tuner';
import type { Trial } from './types';

// Real tuning: every trial is a short run in a fresh engine process (from sources, through tsx).
const ENGINE = join(__dirname, '..', 'engine', 'main.ts');
const EXEC_ARGV = ['--import', 'tsx'];
const ENV = {
  cores: 2,
  backends: [
    { name: 'wasm' as const, status: 'installed' as const },
    { name: 'cpu' as const, status: 'installed' as const },
  ],
};
const dir = mkdtempSync(join(tmpdir(), 'trainlens-tuner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A model whose memory grows with the batch: 8,192 input features per sample. */
function wideConfig(name: string, capMb: number): string {
  const path = join(dir, `${name}.trainlens.yaml`);
  writeFileSync(
    path,
    [
      'version: 1',
      '# A wide input: 32 KiB per sample, so the batch decides the memory.',
      'model: { preset: mlp, input_shape: [8192], hidden: [32], outputs: 4 }',
      'data: { source: synthetic, task: classification, samples: 4096, batch_size: 64 }',
      'training: { epochs: 1, optimizer: { name: adam, learning_rate: 0.001 }, loss: categorical_crossentropy }',
      'optimization: { level: custom }',
      'engine: { backend: wasm }',
      'tuning:',
      `  memory_cap_mb: ${capMb}`,
      '  search: { batch_size: [64, 128, 256, 512, 1024], prefetch: [0] }',
      '  trials: { warmup_steps: 2, measure_steps: 4, max_repeats: 2 }',
      '',
    ].join('\n'),
  );
  return path;
}

/** Whether a process is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the batch-size finder stops at the memory cap, backs off by the margin, and a 10× longer run stays under the cap', async () => {
  const capMb = 16;
  const configPath = wideConfig('wide', capMb);
  const trials: Trial[] = [];
  const result = await tune({
    configPath,
    enginePath: ENGINE,
    execArgv: EXEC_ARGV,
    environment: ENV,
    budgetSeconds: 240,
    workRoot: join(dir, 'tuning'),
    onTrial: (t) => trials.push(t),
  });
  const cap = capMb * 1024 * 1024;
  const over = result.trials.filter((t) => t.status === 'oom' || t.status === 'pruned');
  assert.ok(
    over.length > 0,
    `some batch is over the cap: ${JSON.stringify(result.trials.map((t) => [t.params, t.status, t.peakMemoryBytes]))}`,
  );
  const fits = result.trials.filter((t) => t.status === 'ok').map((t) => Number(t.params['data.batch_size'] ?? 64));
  const chosen = Number(result.best.params['data.batch_size'] ?? 64);
  assert.ok(chosen <= Math.max(64, Math.floor(Math.max(...fits) * (1 - BATCH_MARGIN))), `${chosen} vs ${fits.join()}`);
  assert.ok(result.best.peakMemoryBytes <= cap);
  assert.deepEqual(trials, result.trials, 'every trial was reported as it finished');
  // Only the tuning folder was written: no run store next to the config.
  assert.deepEqual(readdirSync(dir).sort(), ['tuning', 'wide.trainlens.yaml']);

  // The proposed config, trained 10× longer than a trial, never goes over the cap.
  const longer = join(dir, 'longer.trainlens.yaml');
  writeFileSync(longer, result.bestText);
  const client = await EngineClient.start({ enginePath: ENGINE, execArgv: EXEC_ARGV, clientName: 'tuner-test' });
  try {
    const session = await startRun(client, { configPath: longer, outDir: join(dir, 'long-runs'), steps: 60 });
    const summary = await session.outcome;
    assert.equal(summary.status, 'completed');
    assert.ok(summary.peakMemoryBytes <= cap, `${summary.peakMemoryBytes} > ${cap}`);
  } finally {
    await client.shutdown();
  }
});

test('cancelling mid-tune ends every trial process and removes the tuning folder', async () => {
  const configPath = wideConfig('cancel', 512);
  const controller = new AbortController();
  const pids = new Set<number>();
  const workRoot = join(dir, 'cancel-tuning');
  const tuning = tune({
    configPath,
    enginePath: ENGINE,
    execArgv: EXEC_ARGV,
    environment: ENV,
    budgetSeconds: 240,
    workRoot,
    signal: controller.signal,
    onProcess: (pid) => pids.add(pid),
    // Cancel while the second trial is running.
    onTrial: (t) => {
      if (t.id === 1) setTimeout(() => controller.abort(), 1500);
    },
  });
  await assert.rejects(tuning);
  assert.ok(pids.size >= 2, `trials started: ${pids.size}`);
  for (const pid of pids) assert.equal(alive(pid), false, `engine ${pid} still running`);
  assert.deepEqual(readdirSync(workRoot), [], 'the tuning folder is gone');
  assert.ok(readFileSync(configPath, 'utf8').includes('batch_size: 64'), "the user's config is untouched");
});

test('time to a target loss: trials train until the loss gets there; the best is the fastest to it', async () => {
  const configPath = join(dir, 'toloss.trainlens.yaml');
  writeFileSync(
    configPath,
    [
      'version: 1',
      'model: { preset: mlp, input_shape: [16], hidden: [32], outputs: 4 }',
      'data: { source: synthetic, task: classification, samples: 2048, batch_size: 32 }',
      'training: { epochs: 50, optimizer: { name: adam, learning_rate: 0.01 }, loss: categorical_crossentropy }',
      'optimization: { level: custom }',
      'engine: { backend: wasm }',
      'tuning:',
      '  objective: time_to_loss',
      '  target_loss: 1.2',
      '  search: { batch_size: [32, 64], prefetch: [0] }',
      '  trials: { warmup_steps: 2, measure_steps: 4, max_repeats: 2 }',
      '',
    ].join('\n'),
  );
  const result = await tune({
    configPath,
    enginePath: ENGINE,
    execArgv: EXEC_ARGV,
    environment: ENV,
    budgetSeconds: 120,
    workRoot: join(dir, 'toloss-tuning'),
  });
  assert.equal(result.objective, 'time_to_loss');
  const ok = result.trials.filter((t) => t.status === 'ok');
  assert.ok(ok.length >= 2 && ok.every((t) => t.timeToLossMs !== undefined && t.timeToLossMs > 0));
  assert.ok(result.best.timeToLossMs! <= result.baseline.timeToLossMs!);
  assert.equal(result.speedup, Math.round((result.baseline.timeToLossMs! / result.best.timeToLossMs!) * 100) / 100);

  // Without a target there is nothing to reach: a clear error before any trial.
  writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('  target_loss: 1.2\n', ''));
  await assert.rejects(
    tune({ configPath, enginePath: ENGINE, execArgv: EXEC_ARGV, environment: ENV, workRoot: join(dir, 'x') }),
    /the objective time_to_loss needs a target: set tuning\.target_loss/,
  );
});
