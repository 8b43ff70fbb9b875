import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { ROOT, trainlens } from '../support/cli';

// The overview's "GPU time (HTA)" section in the standalone report (the profile panel's own bundle), in real
// headless Chromium: it shows the numbers HTA 0.6.1 computed on a real trace.
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const RESULTS = join(ROOT, 'test-results');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-hta-report-'));
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function overview(trace: string) {
  const html = join(dir, `${trace}.html`);
  const report = trainlens('report', join(TRACES, `${trace}.json.gz`), '--html', html);
  assert.equal(report.code, 0, report.stderr);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(html).href);
  await page.locator('#kpi-step').waitFor();
  return { page, errors };
}

test("the overview shows HTA's temporal breakdown, idle split and launches of a real trace", async () => {
  const { page, errors } = await overview('hta_nccl_2ranks_a100');
  const section = page.locator('#hta');
  await section.scrollIntoViewIfNeeded();
  // HTA 0.6.1 on rank 0: idle 77.78%, compute 17.26%, non-compute 4.97% of 435,586 µs.
  const percents = await page.locator('#hta-temporal tbody tr td:nth-child(3)').allTextContents();
  assert.deepEqual(percents, ['77.78%', '17.26%', '4.97%']);
  assert.match(
    await section.locator('p.note').innerText(),
    /rank 0, over the GPU's span of 435\.6 ms, without the last/,
  );
  const streams = await page.locator('#hta-idle tbody tr td:first-child').allTextContents();
  assert.deepEqual(streams, ['7', '40']);
  assert.equal(
    await page.locator('#hta-idle tbody tr:first-child td:nth-child(3)').getAttribute('data-value'),
    String(Math.round((1e4 * 357247) / (357247 + 2155)) / 1e4),
  );
  assert.equal(await page.locator('#hta-launches tbody td').first().getAttribute('data-value'), '2516');
  mkdirSync(RESULTS, { recursive: true });
  await section.screenshot({ path: join(RESULTS, 'hta-overview.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a CPU-only trace has no GPU time section', async () => {
  const { page, errors } = await overview('hta_cpu_only_rank34');
  assert.equal(await page.locator('#hta').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
