import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeProfile, loadProfile } from './analyze';
import { diffProfiles } from './diff';
import { buildCompareView, buildProfileView } from './view';

const TRACES = join(__dirname, '..', '..', 'test', 'fixtures', 'traces');

test('the view of a Kineto trace: the analysis, per-step breakdowns, full tables and the spans on their tracks', async () => {
  const profile = await loadProfile(join(TRACES, 'hta_nccl_2ranks_a100.json.gz'), undefined, { spans: true });
  const view = buildProfileView(profile);
  assert.deepEqual(view.report, analyzeProfile(profile));
  assert.equal(view.steps.length, view.report.steps.count);
  for (const step of view.steps)
    assert.ok(Math.abs(step.breakdownUs.reduce((a, b) => a + b, 0) - step.durationUs) < 1e-6 * step.durationUs + 1e-6);
  assert.ok(view.kernels.length >= view.report.topKernels.length);
  assert.equal(view.kernels[0]!.name, view.report.topKernels[0]!.name);
  const timeline = view.timeline!;
  assert.equal(timeline.omitted, 0);
  assert.equal(timeline.startUs.length, profile.timeline!.startUs.length);
  assert.ok(timeline.tracks.some((t) => t.kind === 'gpu') && timeline.tracks.some((t) => t.kind === 'cpu'));
  assert.equal(timeline.tracks[0]!.name, 'Steps');
  // Relative times: the first step starts at or after the origin.
  assert.ok(view.steps[0]!.startUs - timeline.originUs >= 0);
  assert.ok(view.environment.some(([label, value]) => label === 'Device 0' && /A100/.test(value)));
});

test('a span cap keeps whole steps from the first one and says how many spans are left out', async () => {
  const profile = await loadProfile(join(TRACES, 'hta_nccl_2ranks_a100.json.gz'), undefined, { spans: true });
  const all = profile.timeline!.startUs.length;
  const view = buildProfileView(profile, { maxSpans: Math.floor(all / 2) });
  const timeline = view.timeline!;
  assert.ok(timeline.startUs.length <= all / 2 && timeline.startUs.length > 0);
  assert.equal(timeline.omitted, all - timeline.startUs.length);
  const firstEnd = view.steps[0]!.startUs + view.steps[0]!.durationUs - timeline.originUs;
  assert.ok(timeline.startUs.every((s) => s < firstEnd + 1e-9 || s < view.steps.at(-1)!.startUs - timeline.originUs));
});

test('the memory view of a PyTorch memory timeline: its curve, peak and what was live at the peak', async () => {
  const profile = await loadProfile(join(TRACES, 'hta_memory_timeline.raw.gz'), undefined, { spans: true });
  const view = buildProfileView(profile);
  const memory = view.memory!;
  assert.equal(memory.series[0]!.bytes.length, memory.tUs.length);
  assert.equal(memory.peak.bytes, view.report.memory!.peakBytes);
  assert.equal(Math.max(...memory.series[0]!.bytes), memory.peak.bytes);
  assert.deepEqual(memory.byCategoryAtPeak, view.report.memory!.byCategoryAtPeak);
});

test('the compare view: each side under its file name with its analysis, and the diff before → after', async () => {
  const before = await loadProfile(join(TRACES, 'hta_compare_base.json.gz'));
  const after = await loadProfile(join(TRACES, 'hta_compare_test.json.gz'));
  assert.deepEqual(buildCompareView(before, after), {
    kind: 'compare',
    before: { title: 'hta_compare_base.json.gz', report: analyzeProfile(before) },
    after: { title: 'hta_compare_test.json.gz', report: analyzeProfile(after) },
    diff: diffProfiles(before, after),
  });
});
