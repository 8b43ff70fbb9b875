import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeJob } from '../../src/analysis/distributed/job';
import { handRankTrace, type HandRank } from '../support/rankTraces';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-job-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base = { worldSize: 6, steps: 3, stepUs: 1000, compute: [10, 610], elements: 1000 } as const;
/**
 * Four ranks, known by construction: rank 0's all-reduce runs wholly under its compute kernel (100% overlap),
 * rank 1 is the same but loads data 300 µs at each step's start (the straggler), rank 2's all-reduce starts when
 * the compute ends (0%: 200 µs of each 1000 µs step exposed), rank 3's half overlaps (50%: 100 µs exposed).
 */
const RANKS: HandRank[] = [
  { ...base, rank: 0, comm: [410, 510] },
  { ...base, rank: 1, comm: [410, 510], dataUs: 300 },
  { ...base, rank: 2, comm: [610, 810] },
  { ...base, rank: 3, comm: [510, 710] },
];

function writeRanks(ranks: readonly HandRank[], name = (r: HandRank) => `rank${r.rank}.json`): string[] {
  return ranks.map((r) => {
    const file = join(dir, name(r));
    writeFileSync(file, JSON.stringify(handRankTrace(r)));
    return file;
  });
}

describe('analyzeJob on hand-made ranks', async () => {
  const progress: string[] = [];
  const report = await analyzeJob(writeRanks(RANKS), {
    onProgress: (done, total) => progress.push(`${done}/${total}`),
  });

  it('reads the ranks one at a time, reporting each', () => {
    assert.deepEqual(progress, ['1/4', '2/4', '3/4', '4/4']);
    assert.equal(report.stats.traces, 4);
    assert.equal(report.worldSize, 6);
    assert.deepEqual(report.missingRanks, [4, 5]);
    assert.equal(report.backend, 'nccl');
  });

  it("gives each rank its steps and HTA's communication/computation overlap", () => {
    assert.deepEqual(
      report.ranks.map((r) => [r.rank, r.steps, r.meanStepMs, r.communicationMs, r.computationMs, r.overlapPercent]),
      [
        [0, 3, 1, 0.3, 1.8, 100],
        [1, 3, 1.3, 0.3, 1.8, 100],
        [2, 3, 1, 0.6, 1.8, 0],
        [3, 3, 1, 0.6, 1.8, 50],
      ],
    );
    const data = report.ranks[1]!.breakdown.find((b) => b.category === 'dataloader');
    assert.deepEqual(data, { category: 'dataloader', ms: 0.3, percent: 23.08 });
  });

  it('names the straggler, the rank with the most work per step, by how much and in which category', () => {
    // Work per step (the step less its exposed communication): 1.0, 1.3, 0.8 and 0.9 ms; the others' median 0.9.
    assert.deepEqual(report.straggler, {
      rank: 1,
      meanStepMs: 1.3,
      medianStepMs: 1,
      slowerByMs: 0.4,
      slowerByPercent: 44.44,
      category: 'dataloader',
      categoryExcessMs: 0.3,
      workMs: 1.3,
      medianWorkMs: 0.9,
    });
    const finding = report.findings.find((f) => f.id === 'straggler');
    assert.equal(finding?.severity, 'high');
    assert.equal(finding?.evidence['rank'], 1);
    assert.match(finding?.code?.python ?? '', /DistributedSampler\(dataset, shuffle=True, drop_last=True\)/);
    assert.match(finding?.code?.python ?? '', /num_workers=4/);
  });

  it('finds comm-bound on the ranks whose communication is exposed, naming the rank', () => {
    const commBound = report.findings.filter((f) => f.id === 'comm-bound');
    assert.deepEqual(
      commBound.map((f) => [f.evidence['rank'], f.severity, f.evidence['exposedCommunicationPercent']]),
      [
        [2, 'high', 20],
        [3, 'medium', 10],
      ],
    );
    const code = commBound[0]!.code!.python;
    assert.match(code, /DDP\(model, device_ids=\[local_rank\], bucket_cap_mb=25, gradient_as_bucket_view=True\)/);
    assert.match(code, /model\.no_sync\(\)/);
    assert.match(code, /% 2 == 0/);
  });

  it('sums the collectives of the job with their bytes', () => {
    assert.deepEqual(report.collectives, [
      {
        type: 'all_reduce',
        names: ['ncclKernel_AllReduce_RING_LL_Sum_float'],
        calls: 12,
        totalMs: 1.8,
        meanMs: 0.15,
        bytes: 12 * 1000 * 4,
      },
    ]);
  });
});

describe('analyzeJob refusals and ranks from names', () => {
  it('takes the rank from the worker name when the trace has no distributedInfo', async () => {
    const files = [0, 1].map((rank) => {
      const trace = handRankTrace({ ...base, rank, comm: [410, 510] });
      delete trace['distributedInfo'];
      const file = join(dir, `rank${rank === 0 ? 5 : 9}.1700000000000.pt.trace.json`);
      writeFileSync(file, JSON.stringify(trace));
      return file;
    });
    const report = await analyzeJob(files);
    assert.deepEqual(
      report.ranks.map((r) => r.rank),
      [5, 9],
    );
    assert.equal(report.worldSize, 2);
    assert.equal(report.missingRanks, undefined);
  });

  it('refuses two traces of one rank, naming both', async () => {
    const files = writeRanks([RANKS[0]!, RANKS[0]!], () => `dup${Math.random().toString(36).slice(2)}.json`);
    await assert.rejects(analyzeJob(files), /rank 0, like dup.*one trace per rank/);
  });

  it('refuses an empty job', async () => {
    await assert.rejects(analyzeJob([]), /no trace/);
  });
});
