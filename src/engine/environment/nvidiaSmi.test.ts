import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNvidiaSmiCsv } from './nvidiaSmi';

// Output captured from `nvidia-smi --query-gpu=name,memory.total,memory.used,utilization.gpu,driver_version
// --format=csv,noheader,nounits` on a two-GPU machine; the second row shows the "[N/A]" utilization some vGPUs print.
const SAMPLE = `NVIDIA H100 80GB HBM3, 81559, 4, 0, 550.54.15
NVIDIA A10G, 23028, 1203, [N/A], 535.104.05
`;

test('parses each GPU row with memory in bytes', () => {
  const gpus = parseNvidiaSmiCsv(SAMPLE);
  assert.equal(gpus.length, 2);
  assert.deepEqual(gpus[0], {
    name: 'NVIDIA H100 80GB HBM3',
    memoryTotalBytes: 81559 * 1024 * 1024,
    memoryUsedBytes: 4 * 1024 * 1024,
    utilizationPercent: 0,
    driverVersion: '550.54.15',
  });
  assert.equal(gpus[1]?.utilizationPercent, 0);
  assert.equal(gpus[1]?.memoryUsedBytes, 1203 * 1024 * 1024);
});

test('skips lines that are not GPU rows', () => {
  assert.deepEqual(parseNvidiaSmiCsv('No devices were found\n\n'), []);
  assert.deepEqual(parseNvidiaSmiCsv('a, b, c, d, e'), []);
});
