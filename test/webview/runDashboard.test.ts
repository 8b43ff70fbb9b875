import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RunDashboardUpdate } from '../../src/protocol/webview';
import { launchBrowser } from '../support/browser';
import type { ThemeName } from '../support/themes';
import { openPanel, type PanelHarness } from '../support/webviewHarness';

const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'test-results');
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The page's view of the dashboard's charts (`window.trainlensRun`). */
interface ChartSnapshot {
  readonly id: string;
  readonly datasets: Array<{ label: string; data: unknown[] }>;
}

interface RunPanel extends PanelHarness {
  chart(name: string): Promise<ChartSnapshot | undefined>;
}

/** Opens the built dashboard (dist/webview/run.js) through the shared harness, plus a look at its charts. */
async function openRunPanel(page: Page, theme: ThemeName = 'dark'): Promise<RunPanel> {
  const panel = await openPanel(page, 'run', theme);
  return {
    ...panel,
    // Plain JavaScript text: functions passed to the page must not carry the test transpiler's helpers.
    chart: (name) =>
      page.evaluate<ChartSnapshot | undefined>(`(() => {
        const chart = window.trainlensRun.charts[${JSON.stringify(name)}];
        if (!chart) return undefined;
        return {
          id: String(chart.id),
          datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data.map((p) => p) })),
        };
      })()`),
  };
}

const base: Omit<RunDashboardUpdate, 'points' | 'memory'> = {
  title: 'mnist.trainlens.yaml',
  status: 'starting',
  step: 0,
  totalSteps: 500,
  backend: 'tensorflow',
};

/** Metric points every 10 steps from `from` to `to`. */
function lossPoints(from: number, to: number, extra: (step: number) => Record<string, number> = () => ({})) {
  const points: Array<{ step: number; values: Record<string, number> }> = [];
  for (let step = from; step <= to; step += 10)
    points.push({ step, values: { loss: 2 / (1 + step / 50), data_wait_ms: 3 + (step % 7), ...extra(step) } });
  return points;
}

function memorySamples(fromS: number, toS: number) {
  const samples: Array<{ tMs: number; tensorBytes: number; rssBytes: number }> = [];
  for (let s = fromS; s <= toS; s++)
    samples.push({ tMs: s * 1000, tensorBytes: (200 + 10 * s) * 1024 ** 2, rssBytes: (600 + 12 * s) * 1024 ** 2 });
  return samples;
}

const waitForUpdates = (page: Page, count: number) =>
  page.waitForFunction(
    (n) => (window as unknown as { trainlensRun?: { updates: number } }).trainlensRun!.updates >= n,
    count,
  );

test('the run dashboard shows a live run, appends its curves and sends Stop once', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const panel = await openRunPanel(page, 'dark');
  try {
    // Ready handshake: the panel announces itself before the host sends anything.
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    assert.deepEqual(await panel.posted(), [{ type: 'ready' }]);

    await panel.send({ type: 'run/update', update: { ...base, points: [], memory: [] } });
    await waitForUpdates(page, 1);
    assert.equal(await page.locator('#run-title').innerText(), 'mnist.trainlens.yaml');
    assert.equal(await page.locator('#run-status').textContent(), 'starting');
    assert.equal(await page.locator('#run-backend').innerText(), 'Backend: tensorflow');
    assert.equal(await page.locator('#kpi-step .value').innerText(), '0 / 500');

    // Running: the first points and memory samples.
    const first = lossPoints(10, 100);
    await panel.send({
      type: 'run/update',
      update: {
        ...base,
        status: 'running',
        step: 100,
        samplesPerSec: 812.4,
        etaMs: 300_000,
        points: first,
        memory: memorySamples(0, 5),
        phasesMs: { data: 4.2, forward: 10.5, backward: 18.1, optimizer: 2.2 },
      },
    });
    await waitForUpdates(page, 2);
    const lossChart = await panel.chart('loss');
    assert.ok(lossChart);
    assert.deepEqual(
      lossChart.datasets.map((d) => [d.label, d.data.length]),
      [['loss', 10]],
    );

    // More points (with a validation loss) and samples: appended, the same chart objects redraw.
    const second = lossPoints(110, 200, (step) => (step % 100 === 0 ? { val_loss: 1.1 - step / 1000 } : {}));
    await panel.send({
      type: 'run/update',
      update: {
        ...base,
        status: 'running',
        step: 200,
        samplesPerSec: 1234.5,
        etaMs: 125_000,
        points: second,
        memory: memorySamples(6, 10),
        phasesMs: { data: 4.0, forward: 10.1, backward: 17.9, optimizer: 2.1 },
      },
    });
    await waitForUpdates(page, 3);

    assert.equal(await page.locator('#run-status').textContent(), 'running');
    assert.equal(await page.locator('#kpi-step .value').innerText(), '200 / 500');
    assert.equal(await page.locator('#kpi-step .detail').innerText(), '40%');
    const progress = page.locator('#kpi-step progress');
    assert.equal(await progress.getAttribute('aria-label'), 'Training progress');
    assert.deepEqual(
      await progress.evaluate((p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max]),
      [200, 500],
    );
    assert.equal(await page.locator('#kpi-speed .value').innerText(), '1,235');
    assert.equal(await page.locator('#kpi-eta .value').innerText(), '2 min 5 s');
    assert.equal(await page.locator('#kpi-loss .value').innerText(), String(Number((2 / 5).toPrecision(4))));
    assert.equal(await page.locator('#kpi-loss .detail').innerText(), 'loss at step 200');

    const loss = await panel.chart('loss');
    assert.ok(loss);
    assert.equal(loss.id, lossChart.id, 'the loss chart is updated in place, not re-created');
    const all = [...first, ...second];
    assert.deepEqual(
      loss.datasets.find((d) => d.label === 'loss')?.data,
      all.map((p) => ({ x: p.step, y: p.values['loss'] })),
    );
    assert.deepEqual(loss.datasets.find((d) => d.label === 'val_loss')?.data, [{ x: 200, y: 1.1 - 200 / 1000 }]);
    const metrics = await panel.chart('metrics');
    assert.deepEqual(
      metrics?.datasets.map((d) => [d.label, d.data.length]),
      [['data_wait_ms', all.length]],
    );
    const memory = await panel.chart('memory');
    assert.deepEqual(
      memory?.datasets.map((d) => [d.label, d.data.length]),
      [
        ['Tensors', 11],
        ['RSS', 11],
      ],
    );
    assert.deepEqual(memory?.datasets[1]?.data.at(-1), { x: 10, y: 720 });
    const phases = await panel.chart('phases');
    assert.deepEqual(
      phases?.datasets.map((d) => [d.label, d.data]),
      [
        ['data', [4.0]],
        ['forward', [10.1]],
        ['backward', [17.9]],
        ['optimizer', [2.1]],
      ],
    );

    // Accessible charts: a named image each, and the numbers in a data table that opens from the keyboard.
    const canvas = page.locator('#loss-chart canvas');
    assert.equal(await canvas.getAttribute('role'), 'img');
    const labelId = await canvas.getAttribute('aria-labelledby');
    assert.equal(await page.locator(`#${labelId}`).innerText(), 'Loss');
    await page.locator('#loss-chart summary').focus();
    await page.keyboard.press('Enter');
    await page.locator('#loss-chart details table tbody tr').first().waitFor();
    assert.equal(await page.locator('#loss-chart details table tbody tr').count(), all.length);

    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'webview-run-dashboard-running.png'), fullPage: true });

    // Stop: one message, then the button is disabled and says what happens.
    const stop = page.locator('#stop');
    assert.equal(await stop.getAttribute('appearance'), 'primary');
    await stop.click();
    await stop.dispatchEvent('click');
    const stops = (await panel.posted()).filter((m) => m.type === 'run/stop');
    assert.deepEqual(stops, [{ type: 'run/stop' }]);
    assert.notEqual(await stop.getAttribute('disabled'), null);
    assert.equal(await page.locator('#stop-note').innerText(), 'Stopping (writing an emergency checkpoint)…');

    // Completed: the outcome and run folder replace the Stop button.
    await panel.send({
      type: 'run/update',
      update: {
        ...base,
        status: 'completed',
        step: 500,
        samplesPerSec: 1250,
        points: lossPoints(210, 220),
        memory: [],
        message: 'Finished 500 steps in 2 min 40 s.',
        runDir: '/work/runs/mnist-2026-11-23T10-00-00',
      },
    });
    await waitForUpdates(page, 4);
    assert.equal(await page.locator('#run-status').textContent(), 'completed');
    assert.equal(await page.locator('#run-actions').isVisible(), false);
    assert.equal(await page.locator('#outcome-message').innerText(), 'Finished 500 steps in 2 min 40 s.');
    assert.equal(await page.locator('#outcome-dir code').innerText(), '/work/runs/mnist-2026-11-23T10-00-00');
    assert.equal(await page.locator('#kpi-eta .value').innerText(), '–');
    assert.equal(await page.locator('#kpi-step .value').innerText(), '500 / 500');
    assert.equal((await panel.chart('loss'))?.datasets[0]?.data.length, all.length + 2);
    assert.equal(await page.locator('#run-announcer').textContent(), 'Run completed');

    assert.deepEqual(panel.problems, [], 'no CSP violations or page errors');
    await page.screenshot({ path: join(RESULTS, 'webview-run-dashboard.png'), fullPage: true });
  } finally {
    panel.dispose();
    await page.close();
  }
});

test('a long run keeps at most 5,000 points per series', async () => {
  const page = await browser.newPage();
  const panel = await openRunPanel(page, 'light');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    const points = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ step: from + i, values: { loss: 1 / (from + i + 1) } }));
    await panel.send({
      type: 'run/update',
      update: { ...base, status: 'running', step: 4000, points: points(0, 4000), memory: [] },
    });
    await waitForUpdates(page, 1);
    const before = await panel.chart('loss');
    assert.equal(before?.datasets[0]?.data.length, 4000);
    for (let i = 0; i < 4; i++) {
      await panel.send({
        type: 'run/update',
        update: {
          ...base,
          status: 'running',
          step: 4000 + 1500 * (i + 1),
          points: points(4000 + 1500 * i, 1500),
          memory: [],
        },
      });
    }
    await waitForUpdates(page, 5);
    const afterUpdates = await panel.chart('loss');
    const data = afterUpdates?.datasets[0]?.data as Array<{ x: number }>;
    assert.equal(afterUpdates?.id, before?.id);
    assert.ok(data.length <= 5000, `${data.length} points`);
    assert.ok(data.length > 2500, `${data.length} points`);
    assert.equal(data.at(-1)?.x, 9999, 'the newest point is kept');
    assert.equal(data[0]?.x, 0, 'the first point is kept');
    assert.ok(
      data.every((p, i) => i === 0 || p.x > data[i - 1]!.x),
      'points stay in step order',
    );
    assert.equal(await page.locator('#kpi-loss .value').innerText(), String(Number((1 / 10000).toPrecision(4))));
    assert.deepEqual(panel.problems, [], 'no CSP violations or page errors');
  } finally {
    panel.dispose();
    await page.close();
  }
});

test('a failed run shows its message as an error, and a host stop (stopping) disables Stop', async () => {
  const page = await browser.newPage();
  const panel = await openRunPanel(page, 'dark');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await panel.send({ type: 'run/update', update: { ...base, status: 'stopping', step: 3, points: [], memory: [] } });
    await waitForUpdates(page, 1);
    assert.notEqual(await page.locator('#stop').getAttribute('disabled'), null);
    assert.equal(await page.locator('#kpi-loss .value').innerText(), '–');
    await panel.send({
      type: 'run/update',
      update: { ...base, status: 'failed', step: 3, points: [], memory: [], message: 'Out of memory at step 3.' },
    });
    await waitForUpdates(page, 2);
    assert.equal(await page.locator('#outcome-message.error').innerText(), 'Out of memory at step 3.');
    assert.equal(await page.locator('#outcome-dir').count(), 0);
    assert.equal(await page.locator('#run-actions').isVisible(), false);
    assert.deepEqual(
      (await panel.posted()).map((m) => m.type),
      ['ready'],
    );
    assert.deepEqual(panel.problems, [], 'no CSP violations or page errors');
  } finally {
    panel.dispose();
    await page.close();
  }
});
