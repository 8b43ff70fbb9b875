import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { autoBackend } from '../../src/protocol/backends';
import { probeEnvironment } from '../../src/engine/environment/probe';
import type { EnvironmentReport } from '../../src/protocol/types';
import { launchBrowser } from '../support/browser';
import { openPanel } from '../support/webviewHarness';

const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'test-results');
let browser: Browser;

let report: EnvironmentReport;

before(async () => {
  browser = await launchBrowser();
  // The real report of this machine, as the bundled engine would produce it from dist/.
  report = await probeEnvironment({ engineDir: join(ROOT, 'dist') });
});
after(async () => {
  await browser?.close();
});

test('the environment panel renders the engine report in real Chromium', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  const panel = await openPanel(page, 'environment', 'dark');
  try {
    // Ready handshake: the panel announces itself before the host sends anything.
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    assert.deepEqual(await panel.posted(), [{ type: 'ready' }]);

    await panel.send({ type: 'environment/update', report, probedAt: '2026-11-23T10:00:00.000Z' });
    await page.locator('#backends tbody tr').first().waitFor();

    const chosen = autoBackend(report.backends);
    assert.equal(await page.locator('#kpi-backend .value').innerText(), chosen?.name);
    assert.equal(await page.locator('#kpi-node .value').innerText(), report.node.version);
    assert.equal(await page.locator('#kpi-cores .value').innerText(), String(report.cpu.cores));
    const rows = page.locator('#backends tbody tr');
    assert.deepEqual(
      await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['backend'])),
      report.backends.map((b) => b.name),
    );
    for (const backend of report.backends) {
      const row = page.locator(`#backends tr[data-backend="${backend.name}"]`);
      assert.equal(await row.locator('td').nth(2).innerText(), backend.status);
      if (backend.reason) assert.equal(await row.locator('td').nth(4).innerText(), backend.reason);
    }
    assert.equal(await page.locator(`#backends tr.chosen`).getAttribute('data-backend'), chosen?.name);
    assert.match(await page.locator('#onnx').innerText(), new RegExp(`onnxruntime-node ${report.onnxRuntime.version}`));

    // The toolkit's styles apply under the strict CSP: the primary button has the theme's button color.
    const buttonColor = await page
      .locator('vscode-button')
      .evaluate((button) => getComputedStyle(button).backgroundColor);
    assert.equal(buttonColor, 'rgb(0, 120, 212)');
    // The toolkit's button is a real custom element; clicking it asks the host for a fresh probe.
    await page.locator('vscode-button', { hasText: 'Refresh' }).click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'environment/refresh' });

    // The theme's variables reached the page: the body uses the Dark Modern editor background.
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(31, 31, 31)');
    assert.deepEqual(panel.problems, [], 'no CSP violations or page errors');

    mkdirSync(RESULTS, { recursive: true });
    const shot = join(RESULTS, 'webview-environment.png');
    await page.screenshot({ path: shot, fullPage: true });
    // `UPDATE_SCREENSHOTS=1 npm test` refreshes the README's image from this run.
    if (process.env['UPDATE_SCREENSHOTS']) copyFileSync(shot, join(ROOT, 'docs', 'images', 'environment-panel.png'));
  } finally {
    panel.dispose();
    await page.close();
  }
});

test('an error from the host is shown instead of the report', async () => {
  const page = await browser.newPage();
  const panel = await openPanel(page, 'environment', 'light');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await panel.send({ type: 'error', message: 'The engine did not start: spawn ENOENT' });
    assert.equal(await page.locator('.error').innerText(), 'The engine did not start: spawn ENOENT');
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
  } finally {
    panel.dispose();
    await page.close();
  }
});
