import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readTrace } from '../ingest/traceReader';
import { KinetoProfileBuilder } from './kineto';

const TRACES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces');

async function profileOf(name: string) {
  const file = join(TRACES, name);
  const builder = new KinetoProfileBuilder();
  const document = await readTrace(file, { onEvent: (event) => builder.add(event) });
  return builder.build(file, document.metadata, document.bytes);
}

// What the PyTorch profiler plugin's overview showed for each trace (torch-tb-profiler 0.4.3, run unmodified):
// steps used, average step (µs), % of the average step per category, GPU utilization %.
const PLUGIN: Array<[string, string[], number, Record<string, number>, number | undefined]> = [
  ['hta_alexnet_a100', ['0'], 43348556, { kernel: 0.02, memcpy: 0.13, runtime: 97.39, cpu_exec: 2.46 }, 0.02],
  [
    'hta_nccl_2ranks_a100',
    ['4', '5', '6'],
    222368,
    { kernel: 23.27, memcpy: 0.29, memset: 0.05, communication: 0.16, runtime: 4.52, cpu_exec: 71.62, other: 0.1 },
    23.26,
  ],
  [
    'hta_ns_resolution_v100',
    ['101', '102', '103', '104', '105'],
    96704,
    { kernel: 96.83, memcpy: 0.77, memset: 0.12, communication: 0.01, runtime: 0.84, cpu_exec: 1.26, other: 0.18 },
    96.83,
  ],
  [
    'hta_sampled_rank0_ws128',
    ['551', '552'],
    615120,
    { kernel: 44.49, memcpy: 0.03, communication: 0.02, runtime: 0.5, cpu_exec: 53.69, other: 1.27 },
    44.49,
  ],
  [
    'hta_sampled_rank1_ws128',
    ['551', '552'],
    619272,
    { kernel: 46.47, memcpy: 0.37, communication: 0.01, runtime: 0.35, cpu_exec: 51.55, other: 1.26 },
    46.46,
  ],
  [
    'hta_minitoy_mi250_rocm',
    ['1'],
    9288,
    { kernel: 1.19, memcpy: 0.41, runtime: 72.12, cpu_exec: 20.48, other: 5.8 },
    1.19,
  ],
  ['hta_compare_base', ['1009', '1010'], 58632, { kernel: 0.18, communication: 0.06, other: 99.75 }, 0.18],
  ['hta_cpu_only_rank34', ['551'], 210109, { communication: 85.09, other: 14.91 }, undefined],
];

for (const [name, steps, meanUs, percent, utilization] of PLUGIN) {
  test(`${name}: steps, breakdown and GPU utilization equal the PyTorch profiler plugin's`, async () => {
    const profile = await profileOf(`${name}.json.gz`);
    assert.deepEqual(
      profile.steps.map((s) => s.name),
      steps,
    );
    const total = profile.steps.reduce((a, s) => a + (s.endUs - s.startUs), 0);
    assert.equal(Math.round(total / steps.length), meanUs);
    for (const category of profile.categories) {
      const share = (100 * profile.steps.reduce((a, s) => a + s.breakdown[category]!, 0)) / total;
      assert.ok(
        Math.abs(share - (percent[category] ?? 0)) < 0.006,
        `${category}: ${share.toFixed(3)}% vs ${percent[category] ?? 0}%`,
      );
    }
    if (utilization === undefined) assert.equal(profile.gpuUtilization, undefined);
    else
      assert.ok(Math.abs(profile.gpuUtilization! * 100 - utilization) < 0.006, `utilization ${profile.gpuUtilization}`);
  });
}

test('device properties, distributed info, kernel and operator tables come from the trace', async () => {
  const profile = await profileOf('hta_nccl_2ranks_a100.json.gz');
  assert.ok(profile.devices.length > 0 && /A100/.test(profile.devices[0]!.name), JSON.stringify(profile.devices[0]));
  assert.equal(profile.devices[0]!.computeCapability, '8.0');
  assert.deepEqual(profile.distributed && [profile.distributed.worldSize], [2]);
  assert.ok(profile.kernels.length > 0 && profile.kernels[0]!.totalUs >= profile.kernels[1]!.totalUs);
  assert.ok(profile.kernels.some((k) => /nccl/i.test(k.name)));
  assert.ok(profile.operators.length > 0 && profile.operators.every((o) => o.calls > 0 && o.meanUs <= o.maxUs));
  assert.ok(profile.launches && profile.launches.kernels > 0);
});

test("the GPU utilization timeline equals the PyTorch profiler plugin's counters (kineto_gpu_metrics_expected.json)", async () => {
  const profile = await profileOf('kineto_gpu_metrics_input.json');
  const timeline = profile.gpuUtilizationTimeline!;
  assert.equal(timeline.bucketUs, 1000, 'a 13.9 ms span: 1 ms buckets (at most 100)');
  const expected = JSON.parse(readFileSync(join(TRACES, 'kineto_gpu_metrics_expected.json'), 'utf8')) as {
    traceEvents: Array<{ ph: string; name?: string; ts: number; args?: Record<string, number> }>;
  };
  // The plugin's test wrote its counters from values 100× the real ones ("Faked data for easy to see in UI. Real data
  // values are 1/100 of these", tb_plugin/test/test_profiler.py), so a real fraction × 100 equals them. The last
  // value at each time stamp wins (the plugin first writes 1 and 0 to fix the chart's scale).
  const counters = new Map<number, number>();
  for (const e of expected.traceEvents)
    if (e.ph === 'C' && e.name === 'GPU 0 Utilization') counters.set(e.ts, e.args!['GPU Utilization']!);
  assert.equal(counters.size, timeline.values.length + 1, 'one counter per bucket, and the closing 0');
  timeline.values.forEach((value, i) => {
    const plugin = counters.get(timeline.startUs + i * timeline.bucketUs)!;
    assert.ok(
      Math.abs(value * 100 - plugin) <= 0.01 * Math.max(plugin, 1e-9) + 1e-9,
      `bucket ${i}: ${value * 100}% vs ${plugin}%`,
    );
  });
});

test("estimated SM efficiency equals the PyTorch profiler plugin's counters (kineto_gpu_metrics_expected.json)", async () => {
  const profile = await profileOf('kineto_gpu_metrics_input.json');
  const ranges = profile.smEfficiencyRanges!;
  const expected = JSON.parse(readFileSync(join(TRACES, 'kineto_gpu_metrics_expected.json'), 'utf8')) as {
    traceEvents: Array<{ ph: string; name?: string; ts: number; args?: Record<string, number> }>;
  };
  // Those counters were written from values 10× the real ones ("Faked data for easy to see in UI. Real data values
  // are 1/10 of these", tb_plugin/test/test_profiler.py): min(blocks per SM, 1) × 10. Each range is a value at its
  // start and a 0 at its end; the first two counters (1, then 0) only fix the chart's scale.
  const counters = expected.traceEvents
    .filter((e) => e.ph === 'C' && e.name === 'GPU 0 Est. SM Efficiency')
    .slice(2)
    .map((e) => [e.ts, e.args!['Est. SM Efficiency']!] as const);
  const ours = [...ranges.values].flatMap((value, i) => [
    [ranges.startUs[i]!, value * 10] as const,
    [ranges.endUs[i]!, 0] as const,
  ]);
  assert.equal(ours.length, counters.length);
  ours.forEach(([ts, value], i) => {
    assert.equal(ts, counters[i]![0], `counter ${i} time`);
    assert.ok(
      Math.abs(value - counters[i]![1]) <= 0.01 * counters[i]![1] + 1e-12,
      `counter ${i}: ${value} vs ${counters[i]![1]}`,
    );
  });
  // The average weighs each range by its time over the analysed steps (idle time counts as 0).
  const busy = [...ranges.values].reduce((a, v, i) => a + v * (ranges.endUs[i]! - ranges.startUs[i]!), 0);
  const span = profile.steps.at(-1)!.endUs - profile.steps[0]!.startUs;
  assert.ok(Math.abs(profile.smEfficiency! - busy / span) < 1e-12);
  assert.ok(profile.smEfficiency! > 0 && profile.smEfficiency! < 0.01, String(profile.smEfficiency));
});

test('overlapping kernels add their blocks per SM, capped at 1; occupancy is time-weighted', async () => {
  const { KinetoProfileBuilder } = await import('./kineto');
  const builder = new KinetoProfileBuilder();
  builder.add({ ph: 'X', cat: 'cpu_op', name: 'ProfilerStep#1', ts: 0, dur: 100 });
  const kernel = (ts: number, dur: number, blocks: number, occupancy: number) =>
    builder.add({
      ph: 'X',
      cat: 'kernel',
      name: 'k',
      ts,
      dur,
      args: { 'blocks per SM': blocks, 'est. achieved occupancy %': occupancy },
    });
  kernel(10, 20, 0.5, 40); // 10–30
  kernel(20, 20, 0.75, 10); // 20–40: 20–30 sums to 1.25 → 1
  const profile = builder.build('t.json', {}, 0);
  const r = profile.smEfficiencyRanges!;
  assert.deepEqual([...r.startUs], [10, 20, 30]);
  assert.deepEqual([...r.endUs], [20, 30, 40]);
  assert.deepEqual([...r.values], [0.5, 1, 0.75]);
  assert.ok(Math.abs(profile.smEfficiency! - (0.5 * 10 + 1 * 10 + 0.75 * 10) / 100) < 1e-12);
  assert.equal(profile.achievedOccupancyPercent, (40 * 20 + 10 * 20) / 40);
});
