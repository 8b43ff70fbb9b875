import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AnalysisReport } from '../../src/protocol/analysis';
import type { DistributedReport, RankRow } from '../../src/protocol/distributed';
import { readTemplate, writeReplica } from '../support/rankTraces';
import { ROOT, trainlens } from '../support/cli';

// The job folders: see test/fixtures/traces/README.md (rank 1 of job-2ranks is rank 0 made 8% slower).
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-cli-folder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function analyze(path: string, format: 'json' | 'text'): string {
  const { code, stdout, stderr } = trainlens('analyze', path, '--format', format);
  assert.equal(code, 0, stderr);
  return stdout;
}

/** The rank's row as the text table prints it: rank, steps, mean step, comm ms and overlap. */
function rowPattern(row: RankRow): RegExp {
  const overlap = row.overlapPercent !== undefined ? `${row.overlapPercent.toFixed(1)}%` : '–';
  return new RegExp(
    `^\\s+${row.rank}\\s+${row.steps}\\s+${row.meanStepMs.toFixed(3)}\\s+${row.communicationMs.toFixed(3)}\\s+${overlap.replace('.', '\\.')}\\s`,
    'm',
  );
}

const percentOf = (row: RankRow, category: string) => row.breakdown.find((b) => b.category === category)?.percent;

describe('analyze a 2-rank job folder', () => {
  const job = JSON.parse(analyze(join(TRACES, 'job-2ranks'), 'json')) as DistributedReport;
  const text = analyze(join(TRACES, 'job-2ranks'), 'text');

  it('gives rank 0 the PyTorch profiler plugin numbers of the real trace', () => {
    const rank0 = job.ranks[0]!;
    assert.equal(rank0.rank, 0);
    assert.equal(rank0.steps, 3);
    assert.equal(rank0.meanStepMs, 222.368);
    assert.equal(percentOf(rank0, 'kernel'), 23.27);
    assert.equal(percentOf(rank0, 'cpu_exec'), 71.62);
    assert.ok(rank0.overlapPercent! > 0 && rank0.overlapPercent! < 100, String(rank0.overlapPercent));
  });

  it('names rank 1, made 8% slower, the straggler, and prints it', () => {
    assert.equal(job.worldSize, 2);
    assert.equal(job.missingRanks, undefined);
    const s = job.straggler!;
    assert.equal(s.rank, 1);
    assert.equal(s.medianStepMs, 222.368);
    // Its work per step (the step less its exposed communication) against rank 0's: 8% longer, a little less for
    // the communication kernels, stretched a further 0–10%.
    const [rank0, rank1] = job.ranks as [RankRow, RankRow];
    const work = (r: RankRow) => r.meanStepMs - (r.communicationMs * (1 - r.overlapPercent! / 100)) / r.steps;
    assert.ok(Math.abs(s.workMs! - work(rank1)) < 0.001 && Math.abs(s.medianWorkMs! - work(rank0)) < 0.001);
    assert.ok(s.slowerByPercent > 7 && s.slowerByPercent < 8, String(s.slowerByPercent));
    assert.equal(s.category, 'cpu_exec');
    assert.equal(job.findings.find((f) => f.id === 'straggler')?.severity, 'low');
    assert.ok(
      text.includes(
        `Straggler: rank 1 works ${s.workMs} ms per step (its step less communication), ${s.slowerByPercent}% (${s.slowerByMs} ms)`,
      ),
      text,
    );
  });

  it('prints each rank row with its overlap, and the collectives with their bytes', () => {
    for (const row of job.ranks) assert.match(text, rowPattern(row));
    const allReduce = job.collectives.find((c) => c.type === 'all_reduce')!;
    assert.equal(allReduce.calls, 30);
    assert.equal(allReduce.bytes, 2 * 306_684_384);
    assert.match(text, /all_reduce\s+30×\s+[\d.]+ ms\s+mean [\d.]+ ms\s+585\.0 MiB/);
    assert.equal(job.folder?.entries.length, 2);
  });
});

describe('analyze the two-rank sample of a 128-rank job', () => {
  const job = JSON.parse(analyze(join(TRACES, 'job-ws128-sample'), 'json')) as DistributedReport;
  const text = analyze(join(TRACES, 'job-ws128-sample'), 'text');

  it('reports ranks 2–127 missing, and both real ranks with the plugin numbers', () => {
    assert.equal(job.worldSize, 128);
    assert.equal(job.missingRanks?.length, 126);
    assert.match(text, /Missing ranks: 2–127 \(126 with no trace here\)/);
    assert.deepEqual(
      job.ranks.map((r) => [r.rank, r.meanStepMs, percentOf(r, 'kernel')]),
      [
        [0, 615.12, 44.49],
        [1, 619.272, 46.47],
      ],
    );
    for (const row of job.ranks) assert.match(text, rowPattern(row));
  });

  it('flags the exposed send/recv on each rank, with pipeline advice', () => {
    const commBound = job.findings.filter((f) => f.id === 'comm-bound');
    assert.deepEqual(
      commBound.map((f) => f.evidence['rank']),
      [0, 1],
    );
    assert.match(commBound[0]!.code!.python, /n_microbatches=/);
    assert.match(text, /\[high\] comm-bound: rank 0: /);
  });
});

describe('analyze the tensorboard_trace_handler folder of a real 2-process Gloo DDP job', () => {
  // Made by scripts/make-torch-traces.py (torch 1.13 without Kineto): rank 1's Dataset sleeps 1 ms per sample.
  const folder = join(TRACES, 'pytorch-ddp-gloo');
  const job = JSON.parse(analyze(folder, 'json')) as DistributedReport;
  const text = analyze(folder, 'text');

  it('analyses the newest cycle of both ranks, ranks from the worker names, and lists the first cycle', () => {
    assert.deepEqual(
      job.ranks.map((r) => [r.rank, r.steps, r.overlapPercent]),
      [
        [0, 3, undefined],
        [1, 3, undefined],
      ],
    );
    assert.deepEqual(job.folder?.entries.map((e) => [e.rank, e.cycle]).sort(), [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    assert.ok(job.ranks.every((r) => job.folder!.entries.find((e) => e.file === r.file)?.cycle === 1));
    assert.match(text, /Also in this folder \(2 other traces, newest first\)/);
    for (const row of job.ranks) assert.match(text, rowPattern(row));
  });

  it('names rank 1, slow to load its data, the straggler, and rank 0, waiting in the all-reduce, comm-bound', () => {
    assert.equal(job.straggler?.rank, 1);
    assert.equal(job.straggler?.category, 'dataloader');
    assert.ok(job.straggler.categoryExcessMs > 10, String(job.straggler?.categoryExcessMs));
    assert.equal(job.findings.find((f) => f.id === 'straggler')?.severity, 'high');
    assert.deepEqual(
      job.findings.filter((f) => f.id === 'comm-bound').map((f) => f.evidence['rank']),
      [0],
    );
    const allReduce = job.collectives.find((c) => c.type === 'all_reduce');
    assert.deepEqual(allReduce?.names, ['gloo:all_reduce']);
    assert.match(text, /Straggler: rank 1 works [\d.]+ ms per step .* most of it in dataloader/);
  });
});

describe('analyze a 24-rank job replicated from a real rank, one rank 30% slower', async () => {
  const folder = join(dir, 'job24');
  mkdirSync(folder);
  const template = await readTemplate(join(TRACES, 'hta_sampled_rank0_ws128.json.gz'));
  for (let rank = 0; rank < 24; rank++)
    await writeReplica(join(folder, `rank${rank}.${1_700_000_000_000 + rank}.pt.trace.json.gz`), template, {
      rank,
      worldSize: 24,
      shiftUs: rank * 13,
      dilate: rank === 17 ? 1.3 : 1,
      gzipLevel: 1,
    });
  const job = JSON.parse(analyze(folder, 'json')) as DistributedReport;
  const text = analyze(folder, 'text');

  it('names rank 17 the straggler, about 30% slower, and shows the table compactly', () => {
    assert.equal(job.ranks.length, 24);
    assert.equal(job.straggler?.rank, 17);
    assert.ok(Math.abs(job.straggler.slowerByPercent - 30) < 1, String(job.straggler?.slowerByPercent));
    assert.equal(job.findings.find((f) => f.id === 'straggler')?.severity, 'high');
    assert.match(text, /^\s+17\s+2\s+799\.656\s/m);
    assert.match(text, /… 12 more ranks with mean steps from 615\.12 to 615\.12 ms/);
    assert.match(text, /Straggler: rank 17 works /);
  });
});

describe('analyze a folder of one worker', () => {
  const single = join(dir, 'single');
  mkdirSync(single);
  const source = join(TRACES, 'hta_sampled_rank0_ws128.json.gz');
  copyFileSync(source, join(single, 'trainer.1700000001000.pt.trace.json.gz'));
  copyFileSync(source, join(single, 'trainer.1700000002000.pt.trace.json.gz'));
  writeFileSync(join(single, 'notes.txt'), 'not a trace');

  it('analyses the newest trace and lists the other', () => {
    const text = analyze(single, 'text');
    assert.match(text, /trainer\.1700000002000\.pt\.trace\.json\.gz: kineto trace/);
    assert.match(
      text,
      /Also in this folder \(1 other trace, newest first\); analyse one with "trainlens analyze FILE":/,
    );
    assert.match(text, /trainer\.1700000001000\.pt\.trace\.json\.gz \(cycle 0, /);
  });

  it('gives the single-trace JSON with the folder listing', () => {
    const report = JSON.parse(analyze(single, 'json')) as AnalysisReport & { folder: DistributedReport['folder'] };
    assert.equal(report.steps.meanMs, 615.12);
    assert.equal(report.folder?.entries.length, 2);
    assert.equal(report.folder?.skippedFiles, 1);
  });

  it('refuses a folder with no trace, naming it (exit 2)', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const { code, stderr } = trainlens('analyze', empty);
    assert.equal(code, 2);
    assert.match(stderr, /the folder has no trace/);
    assert.ok(stderr.includes(empty), stderr);
  });
});
