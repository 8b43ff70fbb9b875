import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openWorkbench, quickstartWith, type Workbench } from './workbench';

// Workspace trust in a real VS Code (code-server 4.100.3) with trust on: an Environment panel that VS Code
// restores after the window reloads into Restricted Mode starts no engine, and says why instead.
let wb: Workbench;
let page: Page;

const ROOT = join(__dirname, '..', '..');
const MNIST = join(ROOT, 'test', 'fixtures', 'onnx', 'mnist.onnx');

before(async () => {
  const files = { 'quickstart.trainlens.yaml': quickstartWith([]), 'mnist.onnx': readFileSync(MNIST) };
  wb = await openWorkbench(files, 'quickstart.trainlens.yaml', { workspaceTrust: true });
  page = wb.page;
});

after(async () => {
  await wb?.close();
});

/** Engine processes of this code-server's extension (its extensions folder is under the server's folder). */
function engines(): string[] {
  const base = dirname(wb.server.workspace);
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(base) && line.includes(join('dist', 'engine.js')));
}

/** Waits until `check` holds, polling; fails with `message` after `timeoutMs`. */
async function eventually(check: () => boolean, message: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(message);
    await page.waitForTimeout(250);
  }
}

test('a restored Environment panel in an untrusted workspace starts no engine and explains why', async (t) => {
  const trustEditor = page.locator('.workspace-trust-editor');
  const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  try {
    // Trusted: the panel shows the engine's report.
    await wb.runCommand('Workspaces: Manage Workspace Trust');
    await trustEditor.getByRole('button', { name: 'Trust', exact: true }).click();
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ state: 'detached' });
    await wb.runCommand('TrainLens: Open Environment Panel');
    await panel.locator('#kpi-backend .value').waitFor({ timeout: 60_000 });
    assert.equal(engines().length, 1, 'the trusted workspace has its engine');

    // Trust withdrawn (the folder removed from the trusted list): VS Code reloads the window in Restricted Mode and
    // restores the panel.
    await wb.runCommand('Workspaces: Manage Workspace Trust');
    const row = trustEditor.locator('.monaco-table .monaco-list-row', { hasText: 'workspace' }).first();
    await row.hover();
    await row.locator('.codicon-workspace-trust-editor-remove-folder').click({ force: true });
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ timeout: 60_000 });
    const tab = page.locator('.tab', { hasText: 'TrainLens: Environment' });
    await tab.waitFor({ timeout: 30_000 });
    // A click during the reload can land on the tab of the window being replaced: click until the panel shows.
    const explanation = panel.getByText('TrainLens starts no processes in an untrusted workspace');
    for (let attempt = 0; ; attempt++) {
      await tab.click();
      try {
        await explanation.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
    await wb.shot('trust-restored-panel');
    // The engine of the session before the reload has gone with its extension host; none started since.
    await eventually(() => engines().length === 0, `engines running: ${engines().join('; ')}`);
    await page.waitForTimeout(3000);
    assert.deepEqual(engines(), [], 'no engine in Restricted Mode');
    assert.equal(await panel.locator('#kpi-backend .value').count(), 0);

    // An ONNX model opened in Restricted Mode: its editor says why it is empty, and still no engine starts.
    await page.locator('.explorer-folders-view').getByText('mnist.onnx', { exact: true }).dblclick();
    const model = page.locator('.tab', { hasText: 'mnist.onnx' });
    await model.waitFor({ timeout: 30_000 });
    const modelEditor = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
    await modelEditor.locator('#onnx-notice', { hasText: 'untrusted workspace' }).waitFor({ timeout: 30_000 });
    assert.equal(await modelEditor.locator('#onnx-profile').count(), 0);
    await wb.shot('trust-onnx-editor');
    await page.waitForTimeout(2000);
    assert.deepEqual(engines(), [], 'no engine for the model editor in Restricted Mode');
    await model.locator('.codicon-close').click();
    await model.waitFor({ state: 'detached' });
    // The focus may be left in the webview that comes back (reloading its page, it can drop F1): give it to the
    // workbench before the palette is opened.
    await page.locator('.part.sidebar .title-label').click();

    // Trusted again: the same panel fills in.
    await wb.runCommand('Workspaces: Manage Workspace Trust');
    await trustEditor.getByRole('button', { name: 'Trust', exact: true }).click();
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ state: 'detached' });
    await tab.click();
    await panel.locator('#kpi-backend .value').waitFor({ timeout: 60_000 });
    assert.equal(await panel.locator('#kpi-backend .value').innerText(), 'wasm');
  } catch (error) {
    await wb.shot('failure-trust');
    t.diagnostic(wb.server.output().slice(-2000));
    throw error;
  }
});
