import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EnvironmentReport } from '../protocol/types';
import { formatEnvironmentReport } from './environmentText';

const REPORT: EnvironmentReport = {
  trainlensVersion: '0.1.0',
  os: { platform: 'linux', release: '6.1.0', arch: 'x64' },
  cpu: { model: 'AMD EPYC 7B13', cores: 2 },
  memory: { totalBytes: 24 * 1024 ** 3, freeBytes: 20 * 1024 ** 3 },
  node: { version: 'v20.20.2', execPath: '/usr/bin/node' },
  backends: [
    { name: 'tensorflow-gpu', packageName: '@tensorflow/tfjs-node-gpu', status: 'missing', reason: 'not installed' },
    { name: 'tensorflow', packageName: '@tensorflow/tfjs-node', status: 'missing', reason: 'not installed' },
    { name: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm', status: 'installed', version: '4.22.0' },
    { name: 'cpu', packageName: '@tensorflow/tfjs', status: 'installed', version: '4.22.0' },
  ],
  onnxRuntime: { status: 'installed', version: '1.30.0' },
  gpus: [],
  gpuReason: 'nvidia-smi is not on PATH',
};

test('lists backends in auto order with reasons and names the one auto picks', () => {
  const text = formatEnvironmentReport(REPORT);
  assert.match(text, /^Node v20\.20\.2 on linux x64/);
  assert.match(text, /GPU: none \(nvidia-smi is not on PATH\)/);
  assert.match(text, /-- tensorflow-gpu {2}@tensorflow\/tfjs-node-gpu: missing, not installed/);
  assert.match(text, /ok wasm +@tensorflow\/tfjs-backend-wasm 4\.22\.0/);
  assert.match(text, /engine\.backend: auto would use wasm\n/);
  assert.match(text, /ONNX Runtime: onnxruntime-node 1\.30\.0/);
});

test('a usable GPU is listed with its memory and auto picks it', () => {
  const withGpu: EnvironmentReport = {
    ...REPORT,
    gpus: [
      {
        name: 'NVIDIA H100',
        memoryTotalBytes: 80 * 1024 ** 3,
        memoryUsedBytes: 1024 ** 3,
        utilizationPercent: 7,
        driverVersion: '550.54',
      },
    ],
    backends: [{ ...REPORT.backends[0]!, status: 'installed', version: '4.22.0' }, ...REPORT.backends.slice(1)],
  };
  const text = formatEnvironmentReport(withGpu);
  assert.match(text, /GPU: NVIDIA H100, 1\.0 GiB of 80\.0 GiB used, 7% busy/);
  assert.match(text, /auto would use tensorflow-gpu/);
});
