import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AnalysisReport } from '../../src/protocol/analysis';
import { launchBrowser } from '../support/browser';
import { ROOT, trainlens } from '../support/cli';

// The standalone HTML report (`trainlens report`, `profile --html`, `analyze --format html`) in real headless
// Chromium, opened from a file with no network: the numbers it shows are the analysis JSON's, its controls work, and
// the five views render. Screenshots go to test-results/ (UPDATE_SCREENSHOTS=1 copies them to docs/images/).
const RESULTS = join(ROOT, 'test-results');
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-report-'));
let browser: Browser;

interface Report {
  readonly html: string;
  readonly analysis: AnalysisReport;
}
let quickstart: Report;
let alexnet: Report;

before(async () => {
  browser = await launchBrowser();
  // A real profiled run of the quickstart, its report written by `profile --html`.
  const config = join(dir, 'quickstart.trainlens.yaml');
  writeFileSync(config, readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8'));
  const html = join(dir, 'quickstart.html');
  const run = trainlens('profile', config, '--steps', '40', '--html', html, '--json');
  assert.equal(run.code, 0, run.stderr);
  quickstart = { html, analysis: JSON.parse(run.stdout) as AnalysisReport };
  // A recorded PyTorch trace, through `report` and through `analyze --format html`.
  const trace = join(TRACES, 'hta_alexnet_a100.json.gz');
  const alexHtml = join(dir, 'alexnet.html');
  const report = trainlens('report', trace, '--html', alexHtml);
  assert.equal(report.code, 0, report.stderr);
  const json = trainlens('analyze', trace, '--format', 'json');
  assert.equal(json.code, 0, json.stderr);
  alexnet = { html: alexHtml, analysis: JSON.parse(json.stdout) as AnalysisReport };
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a report file; records page errors, CSP violations and any request that is not the file itself. */
async function open(file: string, colorScheme: 'dark' | 'light' = 'dark'): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  await page.locator('#kpi-step').waitFor();
  return { page, problems };
}

const shot = async (page: Page, name: string) => {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  if (process.env['UPDATE_SCREENSHOTS']) copyFileSync(path, join(ROOT, 'docs', 'images', `${name}.png`));
};

const dataValue = (page: Page, selector: string) =>
  page
    .locator(selector)
    .getAttribute('data-value')
    .then((v) => Number(v));

test('the quickstart report: KPIs and breakdown equal the analysis JSON; all five views render offline', async () => {
  const { page, problems } = await open(quickstart.html);
  try {
    const a = quickstart.analysis;
    assert.equal(await dataValue(page, '#kpi-step'), a.steps.meanMs);
    assert.equal(await dataValue(page, '#kpi-steps'), a.steps.count);
    assert.equal(await dataValue(page, '#kpi-findings'), a.findings.length);
    assert.equal(await dataValue(page, '#kpi-memory'), a.memory!.peakBytes);
    for (const b of a.breakdown) {
      const row = page.locator(`#breakdown-table tr[data-category="${b.category}"]`);
      assert.equal(Number(await row.locator('td').nth(2).getAttribute('data-value')), b.percent, b.category);
    }
    await shot(page, 'report-overview');

    // Operators: the kernels sampled with tf.profile, sorted by total; a click sorts the other way.
    await page.locator('#tab-operators').click();
    const totals = async () =>
      page
        .locator('#ops-table tbody tr td:nth-child(3)')
        .evaluateAll((cells) => cells.map((c) => Number((c as HTMLElement).dataset['value'])));
    const descending = await totals();
    assert.ok(descending.length >= a.topKernels.length);
    assert.deepEqual(
      descending,
      [...descending].sort((x, y) => y - x),
    );
    await page.locator('#ops-table button[data-column="totalUs"]').click();
    const ascending = await totals();
    assert.deepEqual(ascending, [...descending].reverse());
    assert.equal(await page.locator('#ops-table th[aria-sort="ascending"] button').innerText(), 'Total');
    await shot(page, 'report-operators');

    // Timeline: the run's steps and phases.
    await page.locator('#tab-timeline').click();
    await page.locator('#view-timeline canvas').first().waitFor();
    await shot(page, 'report-timeline');

    // Memory: tensor bytes and RSS, the peak marked; zooming narrows the x axis.
    await page.locator('#tab-memory').click();
    await page.locator('#memory-chart canvas').waitFor();
    assert.equal(Number(await page.locator('#memory-summary').getAttribute('data-peak')), a.memory!.peakBytes);
    const range = () =>
      page.evaluate(() => {
        const chart = (
          window as unknown as { trainlens: { memory: { chart: { scales: { x: { min: number; max: number } } } } } }
        ).trainlens.memory.chart;
        return { min: chart.scales.x.min, max: chart.scales.x.max };
      });
    const full = await range();
    await page.locator('vscode-button', { hasText: 'Zoom in' }).click();
    const zoomed = await range();
    assert.ok(zoomed.max - zoomed.min < 0.6 * (full.max - full.min), JSON.stringify({ full, zoomed }));
    await page.locator('vscode-button', { hasText: 'Reset zoom' }).click();
    assert.deepEqual(await range(), full);
    await shot(page, 'report-memory');

    // Suggestions: one card per finding with its evidence; no Apply outside VS Code.
    await page.locator('#tab-suggestions').click();
    assert.equal(await page.locator('.finding').count(), a.findings.length);
    for (const f of a.findings) {
      const card = page.locator(`.finding[data-finding="${f.id}"]`);
      for (const [key, value] of Object.entries(f.evidence))
        assert.equal(await card.locator(`td[data-key="${key}"]`).innerText(), String(value), `${f.id}.${key}`);
    }
    assert.equal(await page.locator('vscode-button', { hasText: 'Apply fix' }).count(), 0);
    await shot(page, 'report-suggestions');
    assert.deepEqual(problems, [], 'no CSP violations, page errors or network requests');
  } finally {
    await page.close();
  }
});

test('a PyTorch trace report: kernel table, timeline step range and zoom, and the theme in the pixels', async () => {
  const { page, problems } = await open(alexnet.html);
  try {
    const a = alexnet.analysis;
    assert.equal(await dataValue(page, '#kpi-step'), a.steps.meanMs);
    assert.equal(await dataValue(page, '#kpi-gpu'), a.gpuUtilizationPercent);
    // The stacked step chart is drawn with the theme's chart colours on the theme's background.
    const pixels = await page.locator('#breakdown-steps canvas').evaluate((canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colors = new Set<string>();
      let opaque = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 0) opaque++;
        colors.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      }
      return { opaque, colors: colors.size, blue: colors.has('55,148,255') };
    });
    assert.ok(pixels.opaque > 1000 && pixels.colors > 5, JSON.stringify(pixels));
    assert.ok(pixels.blue, 'the first category is drawn in --vscode-charts-blue');
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(31, 31, 31)');

    await page.locator('#tab-operators').click();
    const names = await page.locator('#ops-table tbody td.name').allInnerTexts();
    assert.deepEqual(
      names.slice(0, a.topKernels.length),
      a.topKernels.map((k) => k.name),
    );
    await page.locator('#ops-filter').click();
    await page.keyboard.type('gemm');
    await page.waitForFunction(() => document.querySelectorAll('#ops-table tbody tr').length > 0);
    const filtered = await page.locator('#ops-table tbody td.name').allInnerTexts();
    assert.ok(filtered.length > 0 && filtered.every((n) => /gemm/i.test(n)), filtered.join('\n'));

    await page.locator('#tab-timeline').click();
    await page.locator('#view-timeline canvas').first().waitFor();
    const windowOf = () =>
      page.evaluate(() =>
        (
          window as unknown as { trainlens: { timeline: { getWindow(): { startUs: number; endUs: number } } } }
        ).trainlens.timeline.getWindow(),
      );
    const before = await windowOf();
    const canvas = page.locator('#view-timeline canvas').first();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(100);
    const zoomed = await windowOf();
    assert.ok(zoomed.endUs - zoomed.startUs < before.endUs - before.startUs, JSON.stringify({ before, zoomed }));
    await shot(page, 'report-alexnet-timeline');

    await page.locator('#tab-suggestions').click();
    assert.deepEqual(
      await page.locator('.finding').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset['finding'])),
      a.findings.map((f) => f.id),
    );
    // Every view shows something: this trace has no memory events, and the Memory view says so.
    for (const tab of ['overview', 'operators', 'timeline', 'memory', 'suggestions']) {
      await page.locator(`#tab-${tab}`).click();
      assert.equal(await page.locator(`#view-${tab}`).isVisible(), true, tab);
      assert.ok((await page.locator(`#view-${tab}`).innerText()).trim().length > 0, tab);
    }
    assert.match(await page.locator('#view-memory').innerText(), /no memory samples/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
  // The light theme when the browser prefers it.
  const light = await open(alexnet.html, 'light');
  try {
    assert.equal(
      await light.page.evaluate(() => getComputedStyle(document.body).backgroundColor),
      'rgb(255, 255, 255)',
    );
    await shot(light.page, 'report-alexnet-light');
  } finally {
    await light.page.close();
  }
});

test('analyze --format html writes the same report; a missing --out is a usage error', () => {
  const out = join(dir, 'analyze.html');
  const done = trainlens('analyze', join(TRACES, 'ort_mnist_2019.json'), '--format', 'html', '--out', out);
  assert.equal(done.code, 0, done.stderr);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /id="trainlens-data"/);
  assert.ok(!/<script[^>]+src=/.test(html), 'everything inline: no external scripts');
  const missing = trainlens('analyze', join(TRACES, 'ort_mnist_2019.json'), '--format', 'html');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--out FILE/);
  assert.ok(readdirSync(dir).includes('analyze.html'));
});
