import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, trainlens } from '../support/cli';

const TRACES = join(ROOT, 'test', 'fixtures', 'traces');

test("analyze prints HTA's GPU time block: temporal breakdown, idle split by stream, launch statistics", () => {
  const { code, stdout, stderr } = trainlens('analyze', join(TRACES, 'hta_ns_resolution_v100.json.gz'));
  assert.equal(code, 0, stderr);
  // HTA 0.6.1 on this trace: idle 2.63%, compute 96.75%, non-compute 0.62% of 384,634 µs.
  assert.match(stdout, /GPU time \(HTA, rank 0, last step left out\): span 384\.634 ms/);
  assert.match(
    stdout,
    /\n {2}idle\s+2\.63%\s+10\.113 ms\n {2}compute\s+96\.75%\s+372\.150 ms\n {2}non-compute\s+0\.62%/,
  );
  assert.match(stdout, /stream 7\s+10\.113 ms\s+17% \/ 83% \/ 0%/);
  assert.match(stdout, /Launches: 4876; short kernels .* 2173 \(44\.6%\); calls > 50 µs 663 .* > 100 µs 4713/);
});

test('the JSON carries the HTA analysis; a CPU-only trace has none, and its text no GPU time block', () => {
  const json = trainlens('analyze', join(TRACES, 'hta_nccl_2ranks_a100.json.gz'), '--format', 'json');
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as {
    hta: { temporal: { idlePercent: number; computePercent: number; nonComputePercent: number; spanUs: number } };
  };
  assert.deepEqual(report.hta.temporal, {
    ...report.hta.temporal,
    idlePercent: 77.78,
    computePercent: 17.26,
    nonComputePercent: 4.97,
    spanUs: 435586,
  });
  const cpu = trainlens('analyze', join(TRACES, 'hta_cpu_only_rank34.json.gz'));
  assert.equal(cpu.code, 0, cpu.stderr);
  assert.doesNotMatch(cpu.stdout, /GPU time \(HTA/);
  const cpuJson = trainlens('analyze', join(TRACES, 'hta_cpu_only_rank34.json.gz'), '--format', 'json');
  assert.equal((JSON.parse(cpuJson.stdout) as { hta?: unknown }).hta, undefined);
});
