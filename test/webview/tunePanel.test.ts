import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TuneTrialView } from '../../src/protocol/webview';
import { launchBrowser } from '../support/browser';
import { openPanel } from '../support/webviewHarness';

// The tuning panel (dist/webview/tune.js) under the extension's HTML and CSP, fed by the host's messages.
let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const trial = (id: number, batch: number, samplesPerSec: number, status = 'ok'): TuneTrialView => ({
  id,
  phase: id === 1 ? 'baseline' : 'batch-size',
  params: id === 1 ? {} : { 'data.batch_size': batch },
  status,
  samplesPerSec,
  stepMs: { p50: 5, p90: 7 },
  peakMemoryBytes: batch * 4096,
});

test('trials appear as they finish; Apply is offered only with a result; Cancel and Apply post their messages', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const panel = await openPanel(page, 'tune');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    const base = { type: 'tune/update' as const, title: 'q.trainlens.yaml' };
    await panel.send({ ...base, status: 'running', trials: [trial(1, 32, 5000)] });
    await page.locator('#tune-trials tbody tr').first().waitFor();
    await panel.send({ ...base, status: 'running', trials: [trial(1, 32, 5000), trial(2, 64, 9000)] });
    await page.locator('#tune-trials tbody tr[data-trial="2"]').waitFor();
    assert.equal(await page.locator('#tune-apply').getAttribute('disabled'), '');
    await page.locator('#tune-cancel').click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'tune/cancel' });

    await panel.send({
      ...base,
      status: 'done',
      trials: [trial(1, 32, 5000), trial(2, 64, 9000), trial(3, 128, 0, 'oom')],
      result: {
        baselineId: 1,
        bestId: 2,
        speedup: 1.8,
        diff: '-  batch_size: 32\n+  batch_size: 64\n',
        notes: ['The effective batch changes.'],
      },
    });
    await page.locator('#kpi-speedup').waitFor();
    assert.equal(await page.locator('#kpi-speedup .value').innerText(), '1.8×');
    assert.equal(await page.locator('#tune-trials tr.best').getAttribute('data-trial'), '2');
    assert.equal(await page.locator('#tune-trials tr[data-trial="3"]').getAttribute('data-status'), 'oom');
    assert.equal(await page.locator('#tune-diff .add').innerText(), '+  batch_size: 64\n');
    // The scatter has the measured trials only (the out-of-memory one has no throughput).
    const points = await page.evaluate(
      () =>
        (window as unknown as { trainlensTune: { chart: { data: { datasets: Array<{ data: unknown[] }> } } } })
          .trainlensTune.chart.data.datasets[0]!.data.length,
    );
    assert.equal(points, 2);
    assert.equal(await page.locator('#tune-apply').getAttribute('disabled'), null);
    await page.locator('#tune-apply').click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'tune/apply' });
    assert.deepEqual(panel.problems, []);
  } finally {
    panel.dispose();
    await page.close();
  }
});
