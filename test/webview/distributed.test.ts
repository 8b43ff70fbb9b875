import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadProfile } from '../../src/analysis/analyze';
import { listTraceFolder } from '../../src/analysis/distributed/folder';
import { analyzeJob } from '../../src/analysis/distributed/job';
import { buildFolderView, planTraceFolder } from '../../src/analysis/folderView';
import { buildProfileView } from '../../src/analysis/view';
import type { DistributedReport } from '../../src/protocol/distributed';
import type { ProfileView } from '../../src/protocol/profileView';
import { launchBrowser } from '../support/browser';
import { trainlens } from '../support/cli';
import { openPanel } from '../support/webviewHarness';
import { syntheticJob } from './fixtures/distributedJob';

// The profile panel's Distributed view (dist/webview/profile.js under the extension's HTML and CSP) in real Chromium:
// the rows, the straggler, the overlap and the collectives are the report's, and a row's Open posts only its rank.
// The committed job folders go through the real analyzeJob, in the panel and in the report files the CLI writes.
const ROOT = join(__dirname, '..', '..');
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-distributed-'));
let browser: Browser;
let rank0: ProfileView;

before(async () => {
  browser = await launchBrowser();
  rank0 = buildProfileView(await loadProfile(join(TRACES, 'hta_sampled_rank0_ws128.json.gz')));
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A page that records page errors, CSP violations, console errors and any request that is not a file. */
async function newPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network request: ${r.url()}`);
  });
  return { page, problems };
}

/** Checks what the Distributed view shows against the report it was given. */
export async function checkDistributedView(page: Page, report: DistributedReport): Promise<void> {
  await page.locator('#ranks-table').waitFor();
  assert.equal(await page.locator('#tab-distributed').getAttribute('aria-selected'), 'true');
  assert.equal(await page.locator('#ranks-table tbody tr').count(), report.ranks.length);
  for (const row of report.ranks) {
    const tr = page.locator(`#ranks-table tbody tr[data-rank="${row.rank}"]`);
    const value = (column: string) => tr.locator(`td[data-column="${column}"]`).getAttribute('data-value');
    assert.equal(Number(await value('meanStepMs')), row.meanStepMs, `rank ${row.rank} step`);
    if (row.overlapPercent === undefined) assert.equal(await value('overlapPercent'), null);
    else assert.equal(Number(await value('overlapPercent')), row.overlapPercent, `rank ${row.rank} overlap`);
  }
  const straggler = report.straggler;
  if (straggler) {
    assert.equal(await page.locator('#ranks-table tr.straggler').count(), 1);
    assert.equal(await page.locator('#ranks-table tr.straggler').getAttribute('data-rank'), String(straggler.rank));
    const sentence = await page.locator('#straggler').innerText();
    assert.match(sentence, new RegExp(`^Rank ${straggler.rank} is the straggler`));
    assert.ok(sentence.includes(straggler.category), sentence);
  } else assert.equal(await page.locator('#straggler').count(), 0);
  if (report.missingRanks?.length) assert.match(await page.locator('#missing-ranks').innerText(), /No trace for rank/);
  if (report.collectives.length === 0) await page.locator('#collectives-none').waitFor();
  for (const c of report.collectives) {
    const tr = page.locator(`#collectives-table tr[data-type="${c.type}"]`);
    assert.equal(Number(await tr.locator('td[data-column="calls"]').getAttribute('data-value')), c.calls, c.type);
    assert.equal(Number(await tr.locator('td[data-column="totalMs"]').getAttribute('data-value')), c.totalMs);
  }
  assert.equal(await page.locator('#distributed-findings .finding').count(), report.findings.length);
  assert.ok(await page.locator('#distributed-steps canvas').isVisible());
}

test('128 ranks: every rank has its row in a scrolling table, the chart is sorted, Open posts the rank', async () => {
  const job = syntheticJob(128, 77, [5, 6, 7, 100]);
  const view: ProfileView = { ...rank0, distributed: job };
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const panel = await openPanel(page, 'profile', 'dark');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await panel.send({ type: 'profile/show', view, canApply: false, source: '/traces/job' });
    await checkDistributedView(page, job);
    assert.match(await page.locator('#missing-ranks').innerText(), /ranks 5–7, 100 of the world size 128/);
    // The table scrolls inside its box; the page does not grow by 124 rows.
    const box = await page.locator('.table-scroll').boundingBox();
    assert.ok(box && box.height <= 490, JSON.stringify(box));
    // The chart's bars are the ranks, slowest first.
    const labels = await page.evaluate(() => {
      const canvas = document.querySelector('#distributed-steps canvas') as HTMLCanvasElement;
      const rows = [...document.querySelectorAll('#distributed-steps .chart-data tbody tr')];
      return { drawn: canvas.width > 0, ranks: rows.map((r) => Number(r.firstElementChild?.textContent)) };
    });
    assert.ok(labels.drawn);
    const bySlowest = [...job.ranks].sort((a, b) => b.meanStepMs - a.meanStepMs || a.rank - b.rank).map((r) => r.rank);
    assert.deepEqual(labels.ranks, bySlowest);
    assert.equal(labels.ranks[0], 77);
    // Sorting by mean step puts the straggler first.
    await page.locator('#ranks-table th[data-column="meanStepMs"] button').click();
    assert.equal(await page.locator('#ranks-table tbody tr').first().getAttribute('data-rank'), '77');
    assert.equal(
      await page.locator('#ranks-table th[data-column="meanStepMs"]').getAttribute('aria-sort'),
      'descending',
    );
    await page.locator('#ranks-table tr[data-rank="77"] vscode-button').click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'distributed/openRank', rank: 77 });
    assert.deepEqual(panel.problems, []);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'webview-distributed-128.png'), fullPage: true });
  } finally {
    panel.dispose();
    await page.close();
  }
});

test('the 2-rank job folder in the panel: analyzeJob rows, straggler and overlap; Open posts the rank', async () => {
  const folder = listTraceFolder(join(TRACES, 'job-2ranks'));
  const view = await buildFolderView(folder, planTraceFolder(folder));
  const job = view.distributed!;
  assert.equal(job.ranks.length, 2);
  assert.ok(job.straggler, 'the fixture job has a straggler');
  assert.ok(
    job.ranks.every((r) => r.overlapPercent !== undefined),
    'both ranks have NCCL kernels',
  );
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const panel = await openPanel(page, 'profile', 'light');
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await panel.send({ type: 'profile/show', view, canApply: false, source: '/traces/job-2ranks' });
    await checkDistributedView(page, job);
    assert.match(await page.locator('h1').innerText(), /^job-2ranks: rank 0 of 2 read$/);
    // The overlap shown is the report's, in words too.
    for (const r of job.ranks)
      assert.equal(
        await page.locator(`#ranks-table tr[data-rank="${r.rank}"] td[data-column="overlapPercent"]`).innerText(),
        `${Number(r.overlapPercent!.toFixed(2))}%`,
      );
    const other = job.ranks.find((r) => r.rank !== 0)!.rank;
    await page.locator(`#ranks-table tr[data-rank="${other}"] vscode-button`).click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'distributed/openRank', rank: other });
    await page.screenshot({ path: join(ROOT, 'test-results', 'webview-distributed-2ranks.png'), fullPage: true });
    // The other views still show rank 0's own profile.
    await page.locator('#tab-overview').click();
    assert.equal(Number(await page.locator('#kpi-step').getAttribute('data-value')), view.report.steps.meanMs);
    assert.deepEqual(panel.problems, []);
  } finally {
    panel.dispose();
    await page.close();
  }
});

for (const [name, command] of [
  ['job-2ranks', ['analyze', '--format', 'html', '--out']],
  ['job-ws128-sample', ['report', '--html']],
] as const) {
  test(`the report of ${name} (trainlens ${command[0]}) has the Distributed view, offline and without errors`, async () => {
    const out = join(dir, `${name}.html`);
    const [verb, ...flags] = command;
    const done = trainlens(verb, join(TRACES, name), ...flags, out);
    assert.equal(done.code, 0, done.stderr);
    const folder = listTraceFolder(join(TRACES, name));
    const plan = planTraceFolder(folder);
    assert.equal(plan.kind, 'job');
    const job = await analyzeJob(plan.kind === 'job' ? plan.ranks.map((e) => e.file) : []);
    const { page, problems } = await newPage();
    try {
      await page.goto(pathToFileURL(out).href);
      await checkDistributedView(page, job);
      assert.equal(await page.locator('#ranks-table vscode-button').count(), 0, 'no Open outside VS Code');
      await page.locator('#tab-timeline').click();
      await page.locator('#view-timeline canvas').first().waitFor();
      assert.deepEqual(problems, []);
      await page.screenshot({ path: join(ROOT, 'test-results', `report-distributed-${name}.png`), fullPage: true });
    } finally {
      await page.close();
    }
  });
}
