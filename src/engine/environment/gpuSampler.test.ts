import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runTraining } from '../run/runTraining';
import { GpuSampler } from './gpuSampler';
import { probeEnvironment } from './probe';

// No GPU exists on the test machines, so a stand-in plays nvidia-smi: a script that prints rows in the exact
// format of `nvidia-smi --query-gpu=name,memory.total,memory.used,utilization.gpu,driver_version
// --format=csv,noheader,nounits -lms=N` (two GPUs, values changing each interval). Everything else is real.
const dir = mkdtempSync(join(tmpdir(), 'trainlens-gpu-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const standIn = join(dir, 'nvidia-smi');
writeFileSync(
  standIn,
  [
    '#!/bin/sh',
    'i=0',
    'while true; do',
    '  i=$((i + 1))',
    '  echo "NVIDIA H100 80GB HBM3, 81559, $((1000 + i)), $((i % 100)), 550.54.15"',
    '  echo "NVIDIA H100 80GB HBM3, 81559, 4, 0, 550.54.15"',
    '  sleep 0.1',
    'done',
    '',
  ].join('\n'),
);
chmodSync(standIn, 0o755);

test('one long-lived nvidia-smi process: complete samples of all GPUs, newest first, stopped on request', async () => {
  const sampler = new GpuSampler(2, 100, standIn);
  try {
    const deadline = Date.now() + 5000;
    while (sampler.latest().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const first = sampler.latest();
    assert.equal(first.length, 2);
    assert.equal(first[0]!.name, 'NVIDIA H100 80GB HBM3');
    assert.equal(first[1]!.memoryUsedBytes, 4 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 350));
    assert.ok(sampler.latest()[0]!.memoryUsedBytes > first[0]!.memoryUsedBytes, 'newer samples replace older');
  } finally {
    sampler.stop();
  }
  assert.deepEqual(new GpuSampler(0, 100, standIn).latest(), [], 'no GPU: no process, no sample');
  assert.deepEqual(new GpuSampler(1, 100, join(dir, 'missing')).latest(), [], 'no nvidia-smi: empty, no failure');
});

test('a run on a machine with a GPU records its utilization and memory in memory.jsonl', async () => {
  const quickstart = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'quickstart.yaml'), 'utf8');
  const configPath = join(dir, 'gpu.trainlens.yaml');
  writeFileSync(configPath, quickstart.replace('monitoring:\n', 'monitoring:\n  memory_interval_ms: 100\n'));
  const gpu = {
    name: 'NVIDIA H100 80GB HBM3',
    memoryTotalBytes: 81559 * 1024 * 1024,
    memoryUsedBytes: 0,
    utilizationPercent: 0,
    driverVersion: '550.54.15',
  };
  const environment = await probeEnvironment({ queryGpus: () => Promise.resolve({ gpus: [gpu, gpu] }) });
  const summary = await runTraining(
    { configPath, steps: 600, backend: 'wasm', outDir: join(dir, 'runs') },
    { engineDir: __dirname, environment, nvidiaSmi: standIn },
  );
  const samples = readFileSync(join(summary.runDir, 'memory.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { gpuUsedBytes?: number; gpuUtilizationPercent?: number });
  const withGpu = samples.filter((s) => s.gpuUsedBytes !== undefined);
  assert.ok(withGpu.length > 0, `GPU readings in ${samples.length} samples`);
  assert.ok(withGpu.every((s) => s.gpuUsedBytes! > 1000 * 1024 * 1024 && s.gpuUtilizationPercent! >= 0));
});
