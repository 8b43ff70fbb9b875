import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { GpuQueryResult } from './nvidiaSmi';
import { probeEnvironment } from './probe';

// No GPU exists on the test machines: nvidia-smi's answer is replaced by recorded "no GPU" cases.
const noGpu = (reason: string) => (): Promise<GpuQueryResult> => Promise.resolve({ gpus: [], reason });

test('reports the machine and the backends in auto order, with reasons', async () => {
  const report = await probeEnvironment({ queryGpus: noGpu('nvidia-smi is not on PATH') });
  assert.equal(report.node.version, process.version);
  assert.ok(report.cpu.cores >= 1);
  assert.ok(report.memory.totalBytes > 0);
  assert.deepEqual(
    report.backends.map((b) => b.name),
    ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'],
  );
  // tfjs-node(-gpu) cannot be installed on these machines; the probe must say so with the fix.
  const gpu = report.backends[0];
  assert.ok(gpu && gpu.status !== 'installed');
  assert.match(gpu.reason ?? '', /nativeModulesPath|no GPU/);
  const wasm = report.backends.find((b) => b.name === 'wasm');
  assert.equal(wasm?.status, 'installed');
  assert.match(wasm?.version ?? '', /^4\./);
  assert.equal(report.onnxRuntime.status, 'installed');
  assert.equal(report.gpuReason, 'nvidia-smi is not on PATH');
});

test('an installed tfjs-node-gpu without a GPU is unusable, not installed', async () => {
  // A fake install of tfjs-node-gpu in a user folder: the probe only reads its package.json.
  const dir = mkdtempSync(join(tmpdir(), 'trainlens-probe-'));
  try {
    const pkg = join(dir, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node-gpu', version: '4.22.0' }));
    const report = await probeEnvironment({ nativeModulesPaths: [dir], queryGpus: noGpu('nvidia-smi listed no GPU') });
    const gpu = report.backends[0];
    assert.equal(gpu?.status, 'unusable');
    assert.equal(gpu?.version, '4.22.0');
    assert.match(gpu?.reason ?? '', /nvidia-smi listed no GPU/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
