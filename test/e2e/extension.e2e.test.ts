import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { COMMAND_CATEGORY, COMMANDS } from '../../src/extension/commandTable';
import { launchBrowser } from '../support/browser';
import { startCodeServer, type CodeServer } from './codeServer';

// The packaged extension in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) driven through Chromium.
const ROOT = join(__dirname, '..', '..');
const VSIX = join(ROOT, 'out', 'trainlens-linux-x64.vsix');
const RESULTS = join(ROOT, 'test-results');

let server: CodeServer;
let browser: Browser;
let page: Page;

before(async () => {
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run "npm run package" first (npm test does).`);
  server = await startCodeServer({
    extensions: [VSIX],
    files: { 'quickstart.trainlens.yaml': readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8') },
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  // The explorer lists the workspace's config once the workbench has loaded the folder.
  await page.locator('.explorer-folders-view').getByText('quickstart.trainlens.yaml').waitFor({ timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Saves a screenshot under test-results/ (kept on failure too, for diagnosis). */
async function shot(name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `e2e-${name}.png`) });
}

/**
 * Runs a command from the command palette by its full title, as a user would. The palette lists only the commands
 * of extensions the (remote) extension host has scanned, which can take a few seconds after the workbench shows, so
 * the palette is reopened until the command is listed, within a deadline.
 */
async function runCommand(title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 3000 });
      break;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw error;
    }
  }
  await page.keyboard.press('Enter');
}

test('Show Environment starts the engine and reports it in a notification and the output channel', async (t) => {
  try {
    await runCommand('TrainLens: Show Environment');
    const toast = page.locator('.notification-list-item', { hasText: 'TrainLens engine' });
    await toast.waitFor({ timeout: 60_000 });
    const message = await toast.locator('.notification-list-item-message').innerText();
    assert.match(message, /^TrainLens engine \d+\.\d+\.\d+ ready: backend wasm, no GPU, Node v\d+/);
    await shot('notification');

    // "Show Output" reveals the TrainLens output channel with the engine's environment report.
    await toast.getByRole('button', { name: 'Show Output' }).click();
    const output = page.locator('.part.panel .monaco-editor .view-lines');
    await output.getByText('TF.js backends, in the order engine.backend: auto tries them').waitFor({ timeout: 20_000 });
    // Monaco renders spaces as no-break spaces; and it renders only visible lines, hence the maximized panel.
    await runCommand('View: Toggle Maximized Panel');
    const text = (await output.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /Node v\d+\.\d+\.\d+ on linux x64/);
    assert.match(text, /engine\.backend: auto would use wasm/);
    assert.match(text, /Engine \d+\.\d+\.\d+ ready \(pid \d+\)/);
    await shot('output');
  } catch (error) {
    await shot('failure-environment');
    t.diagnostic(server.output().slice(-2000));
    throw error;
  }
});

test('Open Environment Panel shows the webview with the engine report', async (t) => {
  try {
    await runCommand('TrainLens: Open Environment Panel');
    await page.locator('.tab', { hasText: 'TrainLens: Environment' }).waitFor({ timeout: 30_000 });
    // VS Code nests the panel document in two iframes: the webview host and the active frame.
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await panel.locator('#kpi-backend .value').waitFor({ timeout: 60_000 });
    assert.equal(await panel.locator('#kpi-backend .value').innerText(), 'wasm');
    assert.equal(await panel.locator('#backends tbody tr').count(), 4);
    await shot('panel');
  } catch (error) {
    await shot('failure-panel');
    t.diagnostic(server.output().slice(-2000));
    throw error;
  }
});

test('every contributed command is registered: each runs from the palette without "command not found"', async (t) => {
  try {
    for (const command of COMMANDS) {
      if (command.id === 'trainlens.showEnvironment') continue; // Ran above, with its own assertions.
      await runCommand(`${COMMAND_CATEGORY}: ${command.title}`);
      // VS Code reports an unregistered command ("command '…' not found") in a dialog or a notification.
      await page.waitForTimeout(1500);
      const errors = await page.locator('.monaco-dialog-box, .notification-list-item-message').allInnerTexts();
      assert.deepEqual(
        errors.filter((text) => text.includes(command.id) || /not found/i.test(text)),
        [],
        `${command.id} ran`,
      );
    }
    // Restart Engine reports the new engine's pid once it is up.
    await page
      .locator('.notification-list-item', { hasText: 'TrainLens engine restarted (pid' })
      .waitFor({ timeout: 30_000 });
  } catch (error) {
    await shot('failure-commands');
    t.diagnostic(server.output().slice(-2000));
    throw error;
  }
});
