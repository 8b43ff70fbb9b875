import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { analyzeProfile, loadProfile } from '../../src/analysis/analyze';
import { diffProfiles } from '../../src/analysis/diff';
import { buildProfileView } from '../../src/analysis/view';
import type { ProfileView } from '../../src/protocol/profileView';
import { launchBrowser } from '../support/browser';
import { openPanel } from '../support/webviewHarness';

// The profile panel as VS Code runs it (dist/webview/profile.js under the extension's HTML and CSP), fed by the
// host's messages with recorded profiles; only acquireVsCodeApi is replaced by a recorder.
const ROOT = join(__dirname, '..', '..');
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
let browser: Browser;
let nccl: ProfileView;

before(async () => {
  browser = await launchBrowser();
  nccl = buildProfileView(await loadProfile(join(TRACES, 'hta_nccl_2ranks_a100.json.gz'), undefined, { spans: true }));
});
after(async () => {
  await browser?.close();
});

test('the panel shows a recorded trace from the host, keeps its tab, and changes the timeline step range', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const panel = await openPanel(page, 'profile', 'light');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    assert.deepEqual(await panel.posted(), [{ type: 'ready' }]);
    await panel.send({ type: 'profile/show', view: nccl, canApply: false, source: '/traces/nccl.json.gz' });
    await page.locator('#kpi-step').waitFor();
    assert.equal(Number(await page.locator('#kpi-step').getAttribute('data-value')), nccl.report.steps.meanMs);
    assert.equal(Number(await page.locator('#kpi-gpu').getAttribute('data-value')), nccl.report.gpuUtilizationPercent);

    // Keyboard: the tabs follow the arrow keys.
    await page.locator('#tab-overview').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('#tab-operators').getAttribute('aria-selected'), 'true');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('#tab-timeline').getAttribute('aria-selected'), 'true');

    // The step range: the last step alone.
    const select = page.locator('#view-timeline select');
    await select.first().waitFor();
    const steps = nccl.steps.length;
    await select.nth(1).selectOption({ index: steps - 1 });
    await select.nth(0).selectOption({ index: steps - 1 });
    await page.waitForTimeout(50);
    const window_ = await page.evaluate(() =>
      (
        window as unknown as { trainlens: { timeline: { getWindow(): { startUs: number; endUs: number } } } }
      ).trainlens.timeline.getWindow(),
    );
    const last = nccl.steps.at(-1)!;
    const origin = nccl.timeline!.originUs;
    assert.ok(Math.abs(window_.startUs - (last.startUs - origin)) < 1, JSON.stringify(window_));
    assert.ok(Math.abs(window_.endUs - (last.startUs + last.durationUs - origin)) < 1, JSON.stringify(window_));

    // The panel saved where its profile came from and its tab, for the serializer after a reload.
    const state = await page.evaluate(() =>
      (window as unknown as { acquireVsCodeApi(): { getState(): unknown } }).acquireVsCodeApi().getState(),
    );
    assert.deepEqual(state, { source: '/traces/nccl.json.gz', tab: 'timeline' });
    // Light theme: the body follows VS Code's variables.
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
    assert.deepEqual(panel.problems, []);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'webview-profile-light.png') });
  } finally {
    panel.dispose();
    await page.close();
  }
});

test('Apply posts only the finding id; the outcome the host sends is shown on the card', async () => {
  // A view with a fixable finding, as a TrainLens run has: the host-sync rule on a profile that syncs every step.
  const view: ProfileView = {
    ...nccl,
    configPath: '/workspace/train.trainlens.yaml',
    report: {
      ...nccl.report,
      findings: [
        {
          id: 'host-sync',
          severity: 'medium',
          title: '18% of each step waits for values read back from the device',
          evidence: { hostSyncPercent: 18.2, threshold: 5, logEvery: 1 },
          fix: { path: 'monitoring.log_every', value: 4, description: 'Read the loss four times less often.' },
        },
      ],
    },
  };
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const panel = await openPanel(page, 'profile', 'dark');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await panel.send({ type: 'profile/show', view, canApply: true, source: '/workspace/run' });
    await page.locator('#tab-suggestions').click();
    const card = page.locator('.finding[data-finding="host-sync"]');
    await card.locator('vscode-button', { hasText: 'Apply fix' }).click();
    await card.locator('vscode-button', { hasText: 'Apply and re-run' }).click();
    assert.deepEqual((await panel.posted()).slice(1), [
      { type: 'finding/apply', findingId: 'host-sync', rerun: false },
      { type: 'finding/apply', findingId: 'host-sync', rerun: true },
    ]);
    await panel.send({
      type: 'finding/applied',
      findingId: 'host-sync',
      ok: true,
      message: 'Set monitoring.log_every: 4 in train.trainlens.yaml (undo with Ctrl+Z).',
    });
    // Messages arrive as events: wait for the card to show them.
    await card.locator('.outcome', { hasText: 'Set monitoring.log_every: 4' }).waitFor();
    await panel.send({ type: 'finding/applied', findingId: 'host-sync', ok: false, message: 'outside the workspace' });
    await card.locator('.outcome.error', { hasText: 'outside the workspace' }).waitFor();

    // The same panel shows a comparison when the host sends one.
    const [a, b] = [
      await loadProfile(join(TRACES, 'hta_compare_base.json.gz')),
      await loadProfile(join(TRACES, 'hta_compare_test.json.gz')),
    ];
    await panel.send({
      type: 'compare/show',
      view: {
        kind: 'compare',
        before: { title: 'base', report: analyzeProfile(a) },
        after: { title: 'test', report: analyzeProfile(b) },
        diff: diffProfiles(a, b),
      },
      source: '/a',
      compareWith: '/b',
    });
    await page.locator('#kpi-ratio').waitFor();
    assert.equal(Number(await page.locator('#kpi-ratio').getAttribute('data-value')), diffProfiles(a, b).steps.ratio);
    assert.deepEqual(panel.problems, []);
  } finally {
    panel.dispose();
    await page.close();
  }
});

test('a PyTorch trace without Kineto: the input-bound card shows the DataLoader code, no YAML to apply', async () => {
  const file = join(TRACES, 'pytorch-legacy', 'input_bound.json.gz');
  const view = buildProfileView(await loadProfile(file, undefined, { spans: true }));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const panel = await openPanel(page, 'profile', 'dark');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await panel.send({ type: 'profile/show', view, canApply: false, source: file });
    await page.locator('#tab-suggestions').click();
    const card = page.locator('.finding[data-finding="input-bound"]');
    await card.waitFor();
    const code = await card.locator('.fix.code pre').textContent();
    assert.match(code ?? '', /DataLoader\(\n {4}dataset,[^)]*num_workers=\d+,\n {4}pin_memory=True,/);
    assert.equal(await card.locator('vscode-button', { hasText: 'Apply fix' }).count(), 0);
    assert.deepEqual(panel.problems, []);
  } finally {
    panel.dispose();
    await page.close();
  }
});
