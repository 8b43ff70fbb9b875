import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DistributedReport, RankRow } from '../protocol/distributed';
import { ALL_ROWS, formatJobReport, rankRanges } from './jobText';

function row(rank: number, meanStepMs: number): RankRow {
  return {
    rank,
    file: `/job/rank${rank}.json`,
    steps: 4,
    meanStepMs,
    breakdown: [
      { category: 'kernel', ms: meanStepMs * 0.6, percent: 60 },
      { category: 'communication', ms: meanStepMs * 0.3, percent: 30 },
      { category: 'other', ms: meanStepMs * 0.1, percent: 10 },
    ],
    communicationMs: 12,
    computationMs: 50,
    overlapPercent: 42.5,
  };
}

function job(count: number): DistributedReport {
  return {
    dir: '/job',
    worldSize: count + 2,
    ranks: Array.from({ length: count }, (_, r) => row(r, 100 + ((r * 37) % count) / 10)),
    missingRanks: [count, count + 1],
    collectives: [],
    findings: [],
    stats: { traces: count, megabytes: count * 30 },
  };
}

describe('the job as text', () => {
  it(`shows every rank up to ${ALL_ROWS} ranks`, () => {
    const text = formatJobReport(job(ALL_ROWS));
    for (let r = 0; r < ALL_ROWS; r++) assert.match(text, new RegExp(`^\\s+${r}\\s+4\\s+`, 'm'));
    assert.match(text, /^\s+0\s+4\s+100\.000\s+12\.000\s+42\.5%\s+kernel 60\.0%, communication 30\.0%, other 10\.0%$/m);
    assert.doesNotMatch(text, /more ranks/);
  });

  it('shows 128 ranks as the 8 slowest, the 4 fastest and one line for the rest', () => {
    const report = job(128);
    const text = formatJobReport(report);
    const rows = text.split('\n').filter((line) => /^\s+\d+\s+4\s+\d/.test(line));
    assert.equal(rows.length, 12);
    const bySpeed = [...report.ranks].sort((a, b) => b.meanStepMs - a.meanStepMs);
    assert.match(rows[0]!, new RegExp(`^\\s+${bySpeed[0]!.rank}\\s`));
    assert.match(rows[11]!, new RegExp(`^\\s+${bySpeed[127]!.rank}\\s`));
    assert.match(text, /… 116 more ranks with mean steps from [\d.]+ to [\d.]+ ms \(all rows in --format json\)/);
    assert.match(text, /^\/job: 128 of 130 ranks, 128 traces \(3840 MB\)$/m);
    assert.match(text, /Missing ranks: 128–129 \(2 with no trace here\)/);
  });

  it('writes ranks as ranges', () => {
    assert.equal(rankRanges([2, 3, 4, 5]), '2–5');
    assert.equal(rankRanges([1, 3, 5, 6, 7, 9]), '1, 3, 5–7, 9');
    assert.equal(rankRanges([]), '');
  });
});
