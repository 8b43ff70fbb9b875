import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadProfile } from '../../src/analysis/analyze';
import { buildProfileView } from '../../src/analysis/view';
import type { DistributedReport } from '../../src/protocol/distributed';
import type { ProfileView } from '../../src/protocol/profileView';
import { launchBrowser } from '../support/browser';
import { openPanel } from '../support/webviewHarness';
import { syntheticJob } from './fixtures/distributedJob';

// The profile panel's Distributed view (dist/webview/profile.js under the extension's HTML and CSP) in real Chromium:
// the rows, the straggler, the overlap and the collectives are the report's, and a row's Open posts only its rank.
const ROOT = join(__dirname, '..', '..');
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
let browser: Browser;
let rank0: ProfileView;

before(async () => {
  browser = await launchBrowser();
  rank0 = buildProfileView(await loadProfile(join(TRACES, 'hta_sampled_rank0_ws128.json.gz')));
});
after(async () => {
  await browser?.close();
});

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
    assert.equal(await page.locator('#ranks-table th[data-column="meanStepMs"]').getAttribute('aria-sort'), 'descending');
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
