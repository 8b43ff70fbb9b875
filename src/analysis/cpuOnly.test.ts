import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatReport } from '../cli/textReport';
import { CPU_ONLY_NOTE } from '../protocol/analysis';
import { analyzeProfile, loadProfile } from './analyze';
import { DEVICE_CATEGORIES, isCpuOnly } from './cpuOnly';
import { KINETO_CATEGORIES } from './profile';
import { buildProfileView } from './view';

const TRACES = join(__dirname, '..', '..', 'test', 'fixtures', 'traces');
const KEPT = ['communication', 'dataloader', 'cpu_exec', 'other'];

for (const name of ['hta_cpu_only_rank34.json.gz', 'pytorch-legacy/input_bound.json.gz']) {
  test(`${name}: CPU only, so the report, the text and the view leave out the device categories`, async () => {
    const profile = await loadProfile(join(TRACES, name));
    assert.equal(isCpuOnly(profile), true);
    const report = analyzeProfile(profile);
    assert.equal(report.cpuOnly, true);
    assert.deepEqual(
      report.breakdown.map((b) => b.category),
      KEPT,
    );
    const view = buildProfileView(profile);
    assert.deepEqual(view.categories, KEPT);
    for (const step of view.steps) assert.equal(step.breakdownUs.length, KEPT.length);
    // The shares still add up to the whole step: only zeros were left out.
    const sum = report.breakdown.reduce((a, b) => a + b.percent, 0);
    assert.ok(Math.abs(sum - 100) < 0.05, String(sum));
    const text = formatReport(report);
    assert.equal(text.split(CPU_ONLY_NOTE).length, 2, text);
    for (const category of DEVICE_CATEGORIES) assert.doesNotMatch(text, new RegExp(`^ {2}${category} `, 'm'));
  });
}

test('a trace with device work keeps every category, even those at zero, and says nothing about the CPU', async () => {
  const profile = await loadProfile(join(TRACES, 'hta_compare_base.json.gz'));
  assert.equal(isCpuOnly(profile), false);
  const report = analyzeProfile(profile);
  assert.equal(report.cpuOnly, undefined);
  assert.deepEqual(
    report.breakdown.map((b) => b.category),
    [...KINETO_CATEGORIES],
  );
  assert.doesNotMatch(formatReport(report), /CPU only/);
});
