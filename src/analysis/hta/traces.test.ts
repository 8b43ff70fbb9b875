import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeProfile, loadProfile } from '../analyze';

const TRACES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces');

/**
 * What HTA 0.6.1 (f4d0062c, run unmodified with pandas 1.5.3) computed on each trace: `get_temporal_breakdown`
 * (idle / compute / non-compute %, span µs), `get_idle_time_breakdown` (per stream: host wait, kernel wait, other
 * µs) and `get_cuda_kernel_launch_stats` (launches; short: cpu ≤ 50 µs and gpu < cpu; cpu > 50 µs; delay > 100 µs;
 * summed cpu and gpu µs).
 */
const HTA: Array<{
  trace: string;
  temporal: [string, string, string, number];
  streams: Array<[number, number, number, number]>;
  launches: [number, number, number, number, number, number];
}> = [
  {
    trace: 'hta_ns_resolution_v100',
    temporal: ['2.63', '96.75', '0.62', 384634],
    streams: [[7, 1709, 8404, 0]],
    launches: [4876, 2173, 663, 4713, 192088, 374521],
  },
  {
    trace: 'hta_nccl_2ranks_a100',
    temporal: ['77.78', '17.26', '4.97', 435586],
    streams: [
      [7, 357247, 2155, 0],
      [40, 381499, 0, 0],
    ],
    launches: [2516, 1347, 0, 180, 21289, 100462],
  },
  {
    trace: 'hta_sampled_rank0_ws128',
    temporal: ['53.56', '17.71', '28.74', 600058],
    streams: [
      [7, 213825, 1985, 261740],
      [23, 596037, 70, 34],
      [25, 0, 9, 47865],
      [84, 148934, 6, 0],
      [203, 0, 0, 0],
    ],
    launches: [602, 140, 0, 469, 5109, 302241],
  },
  {
    trace: 'hta_alexnet_a100',
    temporal: ['99.49', '0.08', '0.43', 12996011],
    streams: [
      [7, 12855007, 104, 0],
      [20, 12011718, 3, 0],
    ],
    launches: [98, 23, 11, 43, 3113616, 66203],
  },
];

for (const expected of HTA) {
  test(`${expected.trace}: HTA's temporal and idle breakdowns and launch statistics`, async () => {
    const report = analyzeProfile(await loadProfile(join(TRACES, `${expected.trace}.json.gz`)));
    const hta = report.hta!;
    const t = hta.temporal;
    assert.deepEqual(
      [t.idlePercent.toFixed(2), t.computePercent.toFixed(2), t.nonComputePercent.toFixed(2), t.spanUs],
      expected.temporal,
    );
    assert.equal(t.idleUs + t.computeUs + t.nonComputeUs, t.spanUs);
    assert.equal(hta.lastStepDropped, expected.trace !== 'hta_alexnet_a100');
    assert.deepEqual(
      hta.idle.streams.map((s) => [s.stream, s.hostWaitUs, s.kernelWaitUs, s.otherUs]),
      expected.streams,
    );
    const l = hta.launches;
    assert.deepEqual([l.launches, l.shortKernels, l.longRuntime, l.longDelays, l.cpuUs, l.gpuUs], expected.launches);
  });
}

test('the rank of a distributed trace is on its HTA analysis', async () => {
  const profile = await loadProfile(join(TRACES, 'hta_sampled_rank1_ws128.json.gz'));
  assert.equal(profile.hta?.rank, 1);
  // HTA on rank 1: idle 54.72%, compute 22.57%, non-compute 22.72% of 600,674 µs.
  assert.equal(profile.hta?.temporal.spanUs, 600674);
  assert.equal(profile.hta?.temporal.idlePercent.toFixed(2), '54.72');
});

test('a CPU-only trace has no HTA analysis (HTA itself fails on it)', async () => {
  const report = analyzeProfile(await loadProfile(join(TRACES, 'hta_cpu_only_rank34.json.gz')));
  assert.equal(report.hta, undefined);
});

test("the ROCm trace: HTA's temporal breakdown, and the hip launches HTA does not recognize", async () => {
  const { hta } = analyzeProfile(await loadProfile(join(TRACES, 'hta_minitoy_mi250_rocm.json.gz')));
  // HTA 0.6.1: idle 98.53%, compute 1.08%, non-compute 0.39% of 8,911 µs.
  assert.deepEqual(
    [hta!.temporal.idlePercent, hta!.temporal.computePercent, hta!.temporal.nonComputePercent],
    [98.53, 1.08, 0.39],
  );
  assert.equal(hta!.temporal.spanUs, 8911);
  // HTA finds no launches (it knows only cuda* names); with the trace's hipLaunchKernel and
  // hipExtModuleLaunchKernel renamed to their CUDA equivalents, it finds these.
  const l = hta!.launches;
  assert.deepEqual(
    [l.launches, l.shortKernels, l.longRuntime, l.longDelays, l.cpuUs, l.gpuUs],
    [14, 7, 1, 0, 6623, 96],
  );
});
