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

const latency = (p50: number) => ({
  runs: 50,
  mean: p50,
  p50,
  p90: p50 * 1.2,
  p99: p50 * 1.4,
  min: p50 * 0.9,
  max: p50 * 2,
  spread: 0.1,
  throughput: 1000 / p50,
  rounds: 1,
});

test('the ONNX case: progress, then the session trials, the speedup and both snippets with Copy', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const panel = await openPanel(page, 'tune');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    const base = { type: 'onnx-tune/update' as const, title: 'mnist.onnx' };
    await panel.send({ ...base, status: 'running', message: 'trial 3: intra=2 inter=1' });
    await page.locator('#tune-status', { hasText: 'trial 3' }).waitFor();
    assert.equal(await page.locator('h1').innerText(), 'Tuning mnist.onnx');
    // The training-config view (Apply, the diff, the scatter) is not part of the ONNX case.
    assert.equal(await page.locator('#tune-apply').count(), 0);
    await page.locator('#tune-cancel').click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'tune/cancel' });

    const defaults = { id: 1, options: { provider: 'cpu' }, latencyMs: latency(1), status: 'ok' as const };
    const best = {
      id: 2,
      options: { provider: 'cpu', intraOpThreads: 2, graphOptimizationLevel: 'all' as const },
      latencyMs: latency(0.8),
      status: 'ok' as const,
    };
    const pruned = {
      id: 3,
      options: { provider: 'cpu', interOpThreads: 1, executionMode: 'parallel' as const },
      status: 'pruned' as const,
      reason: 'parallel mode with one inter-op thread',
    };
    await panel.send({
      ...base,
      status: 'done',
      message: '3 trials',
      tuning: {
        objective: 'latency',
        default: defaults,
        best,
        speedup: 1.25,
        trials: [defaults, best, pruned],
        snippet: {
          javascript: "await ort.InferenceSession.create('mnist.onnx', { intraOpNumThreads: 2 });",
          python: 'so = ort.SessionOptions()\nso.intra_op_num_threads = 2',
        },
        stoppedBy: 'done',
      },
    });
    await page.locator('#kpi-speedup').waitFor();
    assert.equal(await page.locator('#kpi-speedup .value').innerText(), '1.25×');
    assert.equal(await page.locator('#kpi-best .value').innerText(), '0.800 ms');
    assert.equal(await page.locator('#tune-trials tbody tr').count(), 3);
    assert.equal(await page.locator('#tune-trials tr.best').getAttribute('data-trial'), '2');
    const prunedRow = page.locator('#tune-trials tr[data-trial="3"]');
    assert.equal(await prunedRow.getAttribute('data-status'), 'pruned');
    assert.match(await prunedRow.innerText(), /parallel mode with one inter-op thread/);
    assert.match(
      await page.locator('#tune-trials tr[data-trial="2"]').innerText(),
      /0\.800\s+0\.960\s+1,250\s+provider=cpu intra=2 graph=all \(best\)/,
    );
    assert.match(await page.locator('#snippet-javascript').innerText(), /InferenceSession\.create/);
    assert.match(await page.locator('#snippet-python').innerText(), /SessionOptions/);
    assert.equal(await page.locator('#tune-cancel').getAttribute('disabled'), '');

    await page.locator('#snippet-copy-python').click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'tune/copy', language: 'python' });
    await panel.send({ type: 'tune/copied', language: 'python' });
    await page.locator('#tune-copied', { hasText: 'Copied the Python' }).waitFor();
    assert.deepEqual(panel.problems, []);
  } finally {
    panel.dispose();
    await page.close();
  }
});
