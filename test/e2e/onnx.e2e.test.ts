import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, type Workbench } from './workbench';

// ONNX models in a real VS Code (code-server 4.100.3): a .onnx file opens in the model editor with its summary;
// Profile shows the model's ONNX Runtime profile in the profile panel; Optimize shows the session trials and the
// snippet in the tuning panel; a truncated model shows why instead of a summary.
const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'onnx');
let wb: Workbench;
let page: Page;

before(async () => {
  wb = await openWorkbench(
    {
      'mnist.onnx': readFileSync(join(FIXTURES, 'mnist.onnx')),
      'truncated.onnx': readFileSync(join(FIXTURES, 'truncated.onnx')),
      // A short tuning budget keeps the test quick.
      '.vscode/settings.json': JSON.stringify({ 'trainlens.onnx.tuneBudgetSeconds': 8 }),
    },
    'mnist.onnx',
  );
  page = wb.page;
  // A file opened before the extension host has scanned the extension opens in the text editor: wait until the
  // palette lists a TrainLens command (its contributions, the model editor among them, are known then).
  await wb.runCommand('TrainLens: Show Output');
  await wb.runCommand('View: Hide Panel');
});

after(async () => {
  await wb?.close();
});

/**
 * The document of the webview that shows `selector` (VS Code nests each in two iframes, and the model editor and the
 * panels are all webviews): polls every webview until one has it.
 */
async function webviewWith(selector: string, timeoutMs = 60_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  const frames = page.locator('iframe.webview.ready');
  for (;;) {
    const count = await frames.count();
    for (let i = count - 1; i >= 0; i--) {
      const frame = page.frameLocator('iframe.webview.ready').nth(i).frameLocator('#active-frame');
      if ((await frame.locator(selector).count()) > 0) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector} after ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}

/** Opens a file of the workspace from the Explorer (a .onnx file opens in the model editor). */
async function openFromExplorer(name: string): Promise<void> {
  await page.locator('.explorer-folders-view').getByText(name, { exact: true }).dblclick();
  await page.locator('.tab', { hasText: name }).waitFor({ timeout: 30_000 });
}

test('an .onnx file opens in the model editor; Profile shows its profile; Optimize its trials and snippet', async (t) => {
  try {
    await openFromExplorer('mnist.onnx');
    const editor = await webviewWith('#onnx-inputs tbody tr', 90_000);
    const input = editor.locator('#onnx-inputs tbody tr', { hasText: 'Input3' });
    assert.equal(await input.locator('td').nth(2).innerText(), '1×1×28×28');
    assert.ok((await editor.locator('#onnx-ops tbody tr', { hasText: 'Conv' }).count()) > 0, 'Conv is an op type');
    await editor.locator('#onnx-providers tbody tr', { hasText: 'cpu' }).waitFor();
    await wb.shot('onnx-editor');

    await editor.locator('#onnx-profile').click();
    await page.locator('.tab', { hasText: 'Profile: mnist.onnx' }).waitFor({ timeout: 90_000 });
    const profile = await webviewWith('#tab-operators', 60_000);
    await profile.locator('#tab-operators').click();
    await profile.locator('#ops-table tbody tr', { hasText: 'Conv' }).first().waitFor({ timeout: 30_000 });
    await wb.shot('onnx-profile');

    // The editor is still open in the first group, its buttons enabled again once the profile is done.
    await editor.locator('#onnx-optimize:not([disabled])').click();
    await page.locator('.tab', { hasText: 'Tuning mnist.onnx' }).waitFor({ timeout: 60_000 });
    const tuning = await webviewWith('#tune-status', 30_000);
    await tuning.locator('#tune-status', { hasText: 'done' }).waitFor({ timeout: 120_000 });
    const rows = await tuning.locator('#tune-trials tbody tr').count();
    assert.ok(rows >= 2, `${rows} trials`);
    assert.match(await tuning.locator('#kpi-speedup .value').innerText(), /^\d+(\.\d+)?×$/);
    assert.match(await tuning.locator('#snippet-javascript').innerText(), /InferenceSession\.create/);
    assert.match(await tuning.locator('#snippet-python').innerText(), /SessionOptions/);
    await tuning.locator('#snippet-copy-javascript').click();
    await tuning.locator('#tune-copied', { hasText: 'Copied the JavaScript' }).waitFor({ timeout: 10_000 });
    await wb.shot('onnx-tuning');
  } catch (error) {
    await wb.shot('failure-onnx');
    t.diagnostic(wb.server.output().slice(-3000));
    throw error;
  }
});

test('a truncated model shows the message and the way out in the editor instead of a summary', async (t) => {
  try {
    await openFromExplorer('truncated.onnx');
    const editor = await webviewWith('#onnx-error', 60_000);
    assert.match(await editor.locator('#onnx-error').innerText(), /truncated\.onnx is cut off/);
    assert.match(await editor.locator('#onnx-hint').innerText(), /copy the model again/);
    assert.equal(await editor.locator('#onnx-profile').count(), 0);
    await wb.shot('onnx-not-a-model');
  } catch (error) {
    await wb.shot('failure-onnx-not-a-model');
    t.diagnostic(wb.server.output().slice(-3000));
    throw error;
  }
});
