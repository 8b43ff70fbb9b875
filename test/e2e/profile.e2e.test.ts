import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, quickstartWith, type Workbench } from './workbench';

// The profile panel in a real VS Code (code-server 4.100.3): a trace opened from the Explorer shows its views; a
// profiled run of a config shows its findings, and Apply fix edits the YAML in the editor.
const ROOT = join(__dirname, '..', '..');
let wb: Workbench;
let page: Page;

/** The quickstart, shortened, reading the loss back at every step: the host-sync finding and its fix. */
const config = (): string =>
  quickstartWith([
    ['training.steps', 40],
    ['monitoring.log_every', 1],
    ['optimization.level', 'custom'],
  ]);

before(async () => {
  wb = await openWorkbench(
    {
      'quickstart.trainlens.yaml': config(),
      'traces/kineto_gpu_metrics_input.json': readFileSync(
        join(ROOT, 'test', 'fixtures', 'traces', 'kineto_gpu_metrics_input.json'),
        'utf8',
      ),
      ...ddpTraces(),
    },
    'quickstart.trainlens.yaml',
  );
  page = wb.page;
});

after(async () => {
  await wb?.close();
});

/** The real tensorboard_trace_handler folder of a 2-process Gloo DDP job (two workers, two cycles), as `ddp/`. */
function ddpTraces(): Record<string, Uint8Array> {
  const dir = join(ROOT, 'test', 'fixtures', 'traces', 'pytorch-ddp-gloo');
  const files = readdirSync(dir).filter((name) => name.endsWith('.pt.trace.json.gz'));
  return Object.fromEntries(files.map((name) => [`ddp/${name}`, readFileSync(join(dir, name))]));
}

/** The profile panel's document (VS Code nests it in two iframes); the newest panel when there are several. */
const panelFrame = (): FrameLocator => page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');

test('a trace opened from the Explorer shows in the profile panel', async (t) => {
  try {
    await page.locator('.explorer-folders-view').getByText('traces', { exact: true }).click();
    const file = page.locator('.explorer-folders-view').getByText('kineto_gpu_metrics_input.json');
    const tab = page.locator('.tab', { hasText: 'Profile: kineto_gpu_metrics_input.json' });
    // The context menu can swallow a click while it opens, and on a loaded machine it can open before the
    // extension's contributions are registered (a menu without TrainLens's items): close it and try again.
    for (let attempt = 1; ; attempt++) {
      await file.click({ button: 'right' });
      const item = page.locator('.monaco-menu .action-label', { hasText: 'Open Profile' });
      try {
        await item.waitFor({ timeout: 10_000 });
        await page.waitForTimeout(300);
        await item.click();
        await tab.waitFor({ timeout: 20_000 });
        break;
      } catch (error) {
        await page.keyboard.press('Escape');
        if (attempt >= 6) throw error;
      }
    }
    const panel = panelFrame();
    await panel.locator('#kpi-step').waitFor({ timeout: 60_000 });
    assert.equal(await panel.locator('h1').innerText(), 'kineto_gpu_metrics_input.json');
    assert.ok(Number(await panel.locator('#kpi-gpu').getAttribute('data-value')) > 0);
    await panel.locator('#tab-timeline').click();
    await panel.locator('#view-timeline canvas').first().waitFor();
    await wb.shot('profile-trace');
  } catch (error) {
    await wb.shot('failure-profile-trace');
    t.diagnostic(wb.server.output().slice(-2000));
    throw error;
  }
});

test('a trace-handler folder opened from the Explorer shows its ranks in the Distributed view', async (t) => {
  try {
    const folder = page.locator('.explorer-folders-view').getByText('ddp', { exact: true });
    const tab = page.locator('.tab', { hasText: /^Profile: / }).filter({ hasText: /ddp|rank/ });
    for (let attempt = 1; ; attempt++) {
      await folder.click({ button: 'right' });
      const item = page.locator('.monaco-menu .action-label', { hasText: 'Open Profile' });
      try {
        await item.waitFor({ timeout: 10_000 });
        await page.waitForTimeout(300);
        await item.click();
        await tab.first().waitFor({ timeout: 30_000 });
        break;
      } catch (error) {
        await page.keyboard.press('Escape');
        if (attempt >= 6) throw error;
      }
    }
    const panel = panelFrame();
    await panel.locator('#ranks-table').waitFor({ timeout: 60_000 });
    // Both ranks of the newest cycle, side by side, and the straggler named (rank 1 sleeps in its data loader).
    assert.equal(await panel.locator('#ranks-table tbody tr[data-rank]').count(), 2);
    assert.match(await panel.locator('#straggler').innerText(), /rank 1/i);
    await wb.shot('profile-distributed');
  } catch (error) {
    await wb.shot('failure-profile-distributed');
    t.diagnostic(wb.server.output().slice(-2000));
    throw error;
  }
});

test('Profile Training opens the run in the panel; Apply fix edits the config in the editor', async (t) => {
  try {
    await page.locator('.explorer-folders-view').getByText('quickstart.trainlens.yaml').click();
    await page.locator('.tab', { hasText: 'quickstart.trainlens.yaml' }).waitFor();
    await wb.runCommand('TrainLens: Profile Training');
    await page
      .locator('.tab', { hasText: /Profile: quickstart\.trainlens\.yaml · run / })
      .waitFor({ timeout: 180_000 });
    const panel = panelFrame();
    await panel.locator('#tab-suggestions').click();
    const card = panel.locator('.finding[data-finding="host-sync"]');
    await card.waitFor({ timeout: 30_000 });
    assert.match(await card.locator('.fix code').innerText(), /^monitoring\.log_every: 4$/);
    await card.locator('vscode-button', { hasText: 'Apply fix' }).click();
    await card.locator('.outcome', { hasText: 'Set monitoring.log_every: 4' }).waitFor({ timeout: 30_000 });
    // The edit is in the editor (unsaved, undoable), not written behind the user's back.
    const editor = page.locator('.editor-group-container .monaco-editor .view-lines').first();
    await editor.getByText(/log_every:\s4/).waitFor({ timeout: 30_000 });
    await wb.shot('profile-apply');
    // Undoable: the editor has the focus after Apply, and Undo restores the old value.
    await page.keyboard.press('Control+z');
    await editor.getByText(/log_every:\s1$/).waitFor({ timeout: 10_000 });
  } catch (error) {
    await wb.shot('failure-profile-apply');
    t.diagnostic(wb.server.output().slice(-3000));
    throw error;
  }
});
