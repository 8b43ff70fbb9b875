import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { diffProfiles } from '../../src/analysis/diff';
import { loadProfile } from '../../src/analysis/analyze';
import { launchBrowser } from '../support/browser';
import { ROOT, trainlens } from '../support/cli';

// The compare view, through `trainlens report A --compare B --html FILE`, in real Chromium: the numbers are the
// diff's (src/analysis/diff.ts) of the two recorded PyTorch traces.
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-compare-'));
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('report --compare shows the mean step before and after, the breakdown and the changed operators', async () => {
  const before = join(TRACES, 'hta_compare_base.json.gz');
  const afterTrace = join(TRACES, 'hta_compare_test.json.gz');
  const out = join(dir, 'compare.html');
  const done = trainlens('report', before, '--compare', afterTrace, '--html', out);
  assert.equal(done.code, 0, done.stderr);
  const diff = diffProfiles(await loadProfile(before), await loadProfile(afterTrace));

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  try {
    await page.goto(pathToFileURL(out).href);
    await page.locator('#kpi-before').waitFor();
    assert.match(await page.locator('h1').innerText(), /hta_compare_base\.json\.gz → hta_compare_test\.json\.gz/);
    assert.equal(Number(await page.locator('#kpi-before').getAttribute('data-value')), diff.steps.beforeUs);
    assert.equal(Number(await page.locator('#kpi-after').getAttribute('data-value')), diff.steps.afterUs);
    assert.equal(Number(await page.locator('#kpi-ratio').getAttribute('data-value')), diff.steps.ratio);
    const changed = diff.ops.filter((o) => o.change !== 'same');
    assert.equal(await page.locator('#compare-ops tbody tr').count(), Math.min(200, changed.length));
    assert.deepEqual(
      await page
        .locator('#compare-ops tbody tr')
        .evaluateAll((rows) => rows.slice(0, 5).map((r) => (r as HTMLElement).dataset['change'])),
      changed.slice(0, 5).map((o) => o.change),
    );
    assert.ok(await page.locator('#compare-breakdown canvas').isVisible());
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
