import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openWorkbench, quickstartWith, type Workbench } from './workbench';

// One-click tuning in a real VS Code (code-server 4.100.3): the CodeLens starts it, the tuning panel shows the
// trials as they finish, and Apply writes the best settings into the YAML.
let wb: Workbench;
let page: Page;

/** The quickstart with a short tuning budget and short trials. */
const config = (): string =>
  quickstartWith([
    ['tuning.budget_seconds', 25],
    ['tuning.trials.warmup_steps', 2],
    ['tuning.trials.measure_steps', 8],
  ]);

before(async () => {
  wb = await openWorkbench({ 'tune.trainlens.yaml': config() }, 'tune.trainlens.yaml');
  page = wb.page;
});

after(async () => {
  await wb?.close();
});

test('Optimize this config (CodeLens) shows the trials; Apply changes the YAML', async (t) => {
  try {
    await page.locator('.explorer-folders-view').getByText('tune.trainlens.yaml').click();
    const lens = page.locator('.codelens-decoration a', { hasText: 'Optimize this config' });
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    await page.locator('.tab', { hasText: 'Tuning tune.trainlens.yaml' }).waitFor({ timeout: 60_000 });
    const panel = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
    await panel.locator('#tune-trials tbody tr').first().waitFor({ timeout: 90_000 });
    await wb.shot('tune-running');
    await panel.locator('#tune-status', { hasText: 'done' }).waitFor({ timeout: 120_000 });
    const rows = await panel.locator('#tune-trials tbody tr').count();
    assert.ok(rows >= 3, `${rows} trials`);
    assert.match(await panel.locator('#kpi-speedup .value').innerText(), /^\d+(\.\d+)?×$/);
    assert.match(await panel.locator('#tune-diff').innerText(), /-\s+batch_size: 32/);
    await wb.shot('tune-done');
    await panel.locator('#tune-apply').click();
    await panel.locator('#tune-status', { hasText: 'applied' }).waitFor({ timeout: 30_000 });
    const editor = page.locator('.editor-group-container .monaco-editor .view-lines').first();
    await editor.getByText(/batch_size:\s(?!32\b)\d+/).waitFor({ timeout: 30_000 });
    await wb.shot('tune-applied');
  } catch (error) {
    await wb.shot('failure-tune');
    t.diagnostic(wb.server.output().slice(-3000));
    throw error;
  }
});
