import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { OnnxModelSummary } from '../../src/protocol/onnx';
import type { OnnxModelMessage } from '../../src/protocol/webview';
import { launchBrowser } from '../support/browser';
import { openPanel } from '../support/webviewHarness';

// The ONNX model editor's page (dist/webview/onnx.js) under the extension's HTML and CSP, fed by the host's states.
const RESULTS = join(__dirname, '..', '..', 'test-results');
let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const summary: OnnxModelSummary = {
  path: '/models/model.onnx',
  bytes: 2_400_000,
  irVersion: 8,
  producer: 'pytorch 2.4',
  opsets: [
    { domain: 'ai.onnx', version: 17 },
    { domain: 'com.microsoft', version: 1 },
  ],
  inputs: [{ name: 'pixels', dtype: 'float32', shape: ['batch', 3, 224, 224] }],
  outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 1000] }],
  nodes: 120,
  opTypes: [
    { opType: 'Conv', domain: 'ai.onnx', count: 53 },
    { opType: 'Relu', domain: 'ai.onnx', count: 49 },
  ],
  initializers: { count: 161, bytes: 2_300_000 },
  externalData: [
    { file: 'weights.bin', bytes: 1_000_000, present: true },
    { file: 'more.bin', bytes: 5_000, present: false },
  ],
  optimized: { level: 'all', nodes: 70, changed: [{ opType: 'Relu', before: 49, after: 0 }] },
};
const base = { type: 'onnx/model', file: 'model.onnx' } as const;
const ready: OnnxModelMessage = {
  ...base,
  status: 'ready',
  summary,
  providers: [
    { name: 'cpu', available: true },
    { name: 'cuda', available: false, reason: 'this onnxruntime-node build has no CUDA provider' },
  ],
};

test('the summary: inputs with symbolic dims, op types, external data, providers; Profile and Optimize post', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1200 } });
  const panel = await openPanel(page, 'onnx');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    assert.deepEqual(await panel.posted(), [{ type: 'ready' }]);
    await panel.send({ ...base, status: 'loading' });
    await page.locator('#onnx-status', { hasText: 'Reading the model' }).waitFor();

    await panel.send(ready);
    await page.locator('#onnx-inputs tbody tr').first().waitFor();
    assert.equal(await page.locator('h1').innerText(), 'model.onnx');
    const input = page.locator('#onnx-inputs tbody tr').first();
    assert.equal(await input.locator('td').nth(0).innerText(), 'pixels');
    assert.equal(await input.locator('td').nth(2).innerText(), 'batch×3×224×224');
    assert.equal(await input.locator('.symbolic').innerText(), 'batch');
    assert.equal(await page.locator('#onnx-ops tbody tr').count(), 2);
    assert.equal(await page.locator('#kpi-opset .value').innerText(), 'ai.onnx 17');
    assert.match(await page.locator('#onnx-optimized-nodes').innerText(), /120 nodes in the file, 70 after/);
    assert.equal(await page.locator('#onnx-external tbody tr').nth(1).locator('td').nth(2).innerText(), 'missing');
    const cuda = page.locator('#onnx-providers tbody tr').nth(1);
    assert.match(await cuda.innerText(), /unavailable\s+this onnxruntime-node build has no CUDA provider/);

    await page.locator('#onnx-profile').click();
    await page.locator('#onnx-optimize').click();
    assert.deepEqual((await panel.posted()).slice(-2), [{ type: 'onnx/profile' }, { type: 'onnx/optimize' }]);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'webview-onnx-editor.png'), fullPage: true });

    // While the model is profiled, both buttons wait.
    await panel.send({ ...ready, busy: 'profile' });
    await page.locator('#onnx-busy').waitFor();
    assert.equal(await page.locator('#onnx-profile').getAttribute('disabled'), '');
    assert.equal(await page.locator('#onnx-optimize').getAttribute('disabled'), '');
    assert.deepEqual(panel.problems, []);
  } finally {
    panel.dispose();
    await page.close();
  }
});

test('a bad model shows the message and the way out; an untrusted workspace says why nothing was read', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
  const panel = await openPanel(page, 'onnx', 'light');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await panel.send({
      ...base,
      status: 'error',
      error: {
        message: 'model.onnx is truncated: the file ends inside the graph (at byte 1024 of 4096).',
        hint: 'Export or download the model again.',
        kind: 'truncated',
      },
    });
    await page.locator('#onnx-error').waitFor();
    assert.match(await page.locator('#onnx-error').innerText(), /truncated/);
    assert.equal(await page.locator('#onnx-hint').innerText(), 'Export or download the model again.');
    assert.equal(await page.locator('#onnx-profile').count(), 0);

    await panel.send({
      ...base,
      status: 'untrusted',
      notice: 'TrainLens starts no processes in an untrusted workspace.',
    });
    await page.locator('#onnx-notice').waitFor();
    assert.equal(await page.locator('#onnx-profile').count(), 0);
    assert.deepEqual(panel.problems, []);
  } finally {
    panel.dispose();
    await page.close();
  }
});
