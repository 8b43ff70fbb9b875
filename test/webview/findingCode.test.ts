import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadProfile } from '../../src/analysis/analyze';
import { DEVICE_CATEGORIES } from '../../src/analysis/cpuOnly';
import { threadOversubscription } from '../../src/analysis/rules/threadOversubscription';
import { buildProfileView } from '../../src/analysis/view';
import { readProfileBundle, renderReportHtml } from '../../src/cli/htmlReport';
import type { ProfileView } from '../../src/protocol/profileView';
import { launchBrowser } from '../support/browser';
import { openPanel } from '../support/webviewHarness';

// A finding's code in the profile panel and in the HTML report (real Chromium, the built bundle): shown per language
// with Copy (the panel posts the finding and the language, the report uses the page's clipboard); a CPU-only trace
// without device categories; the report's "How this trace was read".
const ROOT = join(__dirname, '..', '..');
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-finding-code-'));
let browser: Browser;
let cpuOnly: ProfileView;

before(async () => {
  browser = await launchBrowser();
  cpuOnly = buildProfileView(await loadProfile(join(TRACES, 'hta_cpu_only_rank34.json.gz')));
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The breakdown table's categories, in order. */
const breakdownRows = (page: Page) =>
  page
    .locator('#breakdown-table tbody tr')
    .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['category']));

test('panel: a PyTorch finding shows its code, Copy posts the finding and the language, the reply is shown', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const panel = await openPanel(page, 'profile', 'dark');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await panel.send({ type: 'profile/show', view: cpuOnly, canApply: false, source: 'rank34.json.gz' });
    // CPU only: no device category in the breakdown, and the note once.
    await page.locator('#breakdown-table').waitFor();
    assert.deepEqual(await breakdownRows(page), ['communication', 'dataloader', 'cpu_exec', 'other']);
    assert.equal(await page.locator('#cpu-only').count(), 1);
    assert.match((await page.locator('#cpu-only').textContent()) ?? '', /CPU only: no device activity in this trace/);

    await page.locator('#tab-suggestions').click();
    const card = page.locator('.finding[data-finding="comm-bound"]');
    await card.waitFor();
    const expected = cpuOnly.report.findings.find((f) => f.id === 'comm-bound')!.code!.python;
    assert.equal(await card.locator('pre[data-language="python"]').textContent(), expected);
    assert.match(expected, /DDP\(model, bucket_cap_mb=100, gradient_as_bucket_view=True\)/);
    assert.equal(await card.locator('pre[data-language="javascript"]').count(), 0);
    await card.locator('vscode-button[data-language="python"]').click();
    assert.deepEqual((await panel.posted()).slice(1), [
      { type: 'finding/copy', findingId: 'comm-bound', language: 'python' },
    ]);
    assert.equal(await card.locator('.copy-status').textContent(), '', 'nothing is claimed before the host copies');
    await panel.send({ type: 'finding/copied', findingId: 'comm-bound', language: 'python' });
    await page.waitForFunction(() => document.querySelector('.copy-status')?.textContent === 'Copied the Python code.');
    assert.deepEqual(panel.problems, []);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'webview-finding-code.png') });
  } finally {
    panel.dispose();
    await page.close();
  }
});

test('panel: an ONNX finding shows its JavaScript and its Python, each with its own Copy', async () => {
  const ort = await loadProfile(join(TRACES, 'ort_mnist_2019.json'));
  const onnx = { ...ort.onnx!, session: { provider: 'cpu', intraOpThreads: 8 }, cores: 2 };
  const finding = threadOversubscription({ ...ort, onnx })!;
  const base = buildProfileView(ort);
  const view: ProfileView = { ...base, report: { ...base.report, findings: [finding] } };
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const panel = await openPanel(page, 'profile', 'light');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await panel.send({ type: 'profile/show', view, canApply: false, source: 'ort.json' });
    await page.locator('#tab-suggestions').click();
    const card = page.locator('.finding[data-finding="thread-oversubscription"]');
    await card.waitFor();
    assert.equal(await card.locator('pre[data-language="javascript"]').textContent(), '{ intraOpNumThreads: 2 }');
    assert.equal(await card.locator('pre[data-language="python"]').textContent(), 'so.intra_op_num_threads = 2');
    await card.locator('vscode-button[data-language="javascript"]').click();
    await card.locator('vscode-button[data-language="python"]').click();
    assert.deepEqual((await panel.posted()).slice(1), [
      { type: 'finding/copy', findingId: 'thread-oversubscription', language: 'javascript' },
      { type: 'finding/copy', findingId: 'thread-oversubscription', language: 'python' },
    ]);
    assert.deepEqual(panel.problems, []);
  } finally {
    panel.dispose();
    await page.close();
  }
});

test('report: the code with a Copy that uses the page clipboard, CPU only, and how the trace was read', async () => {
  // A CPU-only Kineto trace (array form) as a crashed process leaves it: no closing "]", a ts as a string, an event
  // of a phase the format does not define.
  const trace = join(dir, 'crashed.json');
  const events = [
    { name: 'ProfilerStep#1', cat: 'user_annotation', ph: 'X', ts: '100', dur: 1000, pid: 1, tid: 1 },
    {
      name: 'enumerate(DataLoader)#_SingleProcessDataLoaderIter.__next__',
      cat: 'user_annotation',
      ph: 'X',
      ts: 110,
      dur: 600,
      pid: 1,
      tid: 1,
    },
    { name: 'aten::mm', cat: 'cpu_op', ph: 'X', ts: 720, dur: 300, pid: 1, tid: 1 },
    { name: 'odd', ph: 'Z', ts: 800, pid: 1, tid: 1 },
  ];
  writeFileSync(trace, `[\n${events.map((e) => JSON.stringify(e)).join(',\n')}`);
  const profile = await loadProfile(trace);
  const view = buildProfileView(profile);
  assert.ok(view.report.ingest && view.report.cpuOnly, JSON.stringify(view.report));
  const html = join(dir, 'crashed.html');
  writeFileSync(html, renderReportHtml(view, readProfileBundle(join(ROOT, 'dist'))));

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  try {
    await page.goto(pathToFileURL(html).href);
    await page.locator('#ingest-note').waitFor();
    assert.equal(await page.locator('#ingest-note h2').textContent(), 'How this trace was read');
    const counts = await page
      .locator('#ingest-note li[data-reason]')
      .evaluateAll((items) =>
        items.map((i) => `${(i as HTMLElement).dataset['reason']}=${(i as HTMLElement).dataset['value']}`),
      );
    assert.deepEqual(counts.sort(), ['string-ts=1', 'unknown-phase=1']);
    const notes = await page.locator('#ingest-note .ingest-notes li').allTextContents();
    assert.deepEqual(
      notes,
      view.report.ingest.notes.map((n) => `${n}.`),
    );
    assert.ok(
      notes.some((n) => /closing "\]"/.test(n)),
      notes.join('\n'),
    );
    const rows = await breakdownRows(page);
    for (const category of DEVICE_CATEGORIES) assert.ok(!rows.includes(category), rows.join(', '));
    assert.equal(await page.locator('#cpu-only').count(), 1);

    await page.locator('#tab-suggestions').click();
    const card = page.locator('.finding[data-finding="input-bound"]');
    await card.waitFor();
    const code = view.report.findings.find((f) => f.id === 'input-bound')!.code!.python;
    assert.equal(await card.locator('pre[data-language="python"]').textContent(), code);
    await card.locator('vscode-button[data-language="python"]').click();
    await page.waitForFunction(() => document.querySelector('.copy-status')?.textContent === 'Copied the Python code.');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
