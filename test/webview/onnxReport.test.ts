import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { OnnxReport } from '../../src/onnx/types';
import { launchBrowser } from '../support/browser';
import { ROOT, trainlens } from '../support/cli';

// `trainlens onnx --html`: the ONNX profile of a real session (mnist) in the same offline report as every
// profile, opened from a file in real Chromium with no network.
const dir = mkdtempSync(join(tmpdir(), 'trainlens-onnx-report-'));
let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the ONNX report opens offline: runs as steps, the op types, node spans per thread, findings', async () => {
  const html = join(dir, 'mnist.html');
  const run = trainlens(
    'onnx',
    join(ROOT, 'test', 'fixtures', 'onnx', 'mnist.onnx'),
    '--runs',
    '10',
    '--html',
    html,
    '--json',
  );
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as OnnxReport;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network request: ${r.url()}`);
  });
  try {
    await page.goto(pathToFileURL(html).href);
    await page.locator('#kpi-step').waitFor();
    assert.equal(Number(await page.locator('#kpi-step').getAttribute('data-value')), report.analysis.steps.meanMs);
    await page.locator('#tab-operators').click();
    const names = await page.locator('#ops-table tbody td.name').allInnerTexts();
    assert.deepEqual(
      names.slice(0, 3),
      report.analysis.topOperators.slice(0, 3).map((o) => o.name),
    );
    await page.locator('#tab-timeline').click();
    await page.locator('#view-timeline canvas').first().waitFor();
    await page.locator('#tab-suggestions').click();
    assert.deepEqual(
      await page.locator('.finding').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset['finding'])),
      report.analysis.findings.map((f) => f.id),
    );
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
