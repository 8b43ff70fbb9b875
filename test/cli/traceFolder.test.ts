import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AnalysisReport } from '../../src/protocol/analysis';
import type { DistributedReport, RankRow } from '../../src/protocol/distributed';
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
    assert.ok(Math.abs(s.slowerByPercent - 8) < 0.05, String(s.slowerByPercent));
    assert.equal(s.category, 'cpu_exec');
    assert.equal(job.findings.find((f) => f.id === 'straggler')?.severity, 'low');
    assert.ok(
      text.includes(`Straggler: rank 1, mean step ${s.meanStepMs} ms, ${s.slowerByPercent}% (${s.slowerByMs} ms)`),
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
