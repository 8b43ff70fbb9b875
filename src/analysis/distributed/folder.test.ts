import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { TraceError } from '../ingest/traceError';
import { isTraceFolder, jobEntries, listTraceFolder, rankOfWorker, traceName } from './folder';

const root = mkdtempSync(join(tmpdir(), 'trainlens-folder-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A folder with the given files (name → content). */
function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

const kineto = (rank: number) =>
  JSON.stringify({ schemaVersion: 1, distributedInfo: { backend: 'nccl', rank, world_size: 4 }, traceEvents: [] });

describe('trace folder names', () => {
  it('reads the worker and the time of tensorboard_trace_handler names, in ms or ns', () => {
    assert.deepEqual(traceName('rank0.1700000000123.pt.trace.json'), { worker: 'rank0', timeMs: 1700000000123 });
    assert.deepEqual(traceName('node1.cluster_42.1700000000000123456.pt.trace.json.gz'), {
      worker: 'node1.cluster_42',
      timeMs: 1700000000000.123,
    });
    assert.deepEqual(traceName('profile.json.gz'), { worker: 'profile' });
    assert.equal(traceName('notes.txt'), undefined);
    assert.equal(traceName('run.json'), undefined);
  });

  it('takes a rank from rank-like worker names only (host_pid is a pid)', () => {
    assert.equal(rankOfWorker('rank3'), 3);
    assert.equal(rankOfWorker('job_rank_12'), 12);
    assert.equal(rankOfWorker('7'), 7);
    assert.equal(rankOfWorker('myhost_12345'), undefined);
  });
});

describe('listTraceFolder', () => {
  it('lists traces newest first with their cycles, skipping other files', () => {
    const dir = folder('cycles', {
      'rank0.1700000001000.pt.trace.json': '[]',
      'rank0.1700000002000.pt.trace.json': '[]',
      'rank1.1700000001001.pt.trace.json': '[]',
      'rank1.1700000002001.pt.trace.json': '[]',
      'README.md': 'notes',
    });
    mkdirSync(join(dir, 'sub'));
    const listed = listTraceFolder(dir);
    assert.equal(listed.skippedFiles, 1);
    assert.deepEqual(
      listed.entries.map((e) => [basename(e.file), e.worker, e.rank, e.cycle]),
      [
        ['rank1.1700000002001.pt.trace.json', 'rank1', 1, 1],
        ['rank0.1700000002000.pt.trace.json', 'rank0', 0, 1],
        ['rank1.1700000001001.pt.trace.json', 'rank1', 1, 0],
        ['rank0.1700000001000.pt.trace.json', 'rank0', 0, 0],
      ],
    );
    assert.deepEqual(
      jobEntries(listed)?.map((e) => basename(e.file)),
      ['rank0.1700000002000.pt.trace.json', 'rank1.1700000002001.pt.trace.json'],
    );
  });

  it("reads the rank from a Kineto trace's distributedInfo, gzip'd or not, before the worker name", () => {
    const dir = folder('kineto', {
      'host_100.1700000000000.pt.trace.json.gz': gzipSync(kineto(2)),
      'host_101.1700000000005.pt.trace.json': kineto(3),
    });
    const listed = listTraceFolder(dir);
    assert.deepEqual(
      listed.entries.map((e) => [e.worker, e.rank]),
      [
        ['host_101', 3],
        ['host_100', 2],
      ],
    );
    assert.equal(jobEntries(listed)?.length, 2);
  });

  it('dates plain traces by their mtime, and finds no job in a single worker', () => {
    const dir = folder('plain', { 'a.json': '[]', 'b.json.gz': gzipSync('[]') });
    utimesSync(join(dir, 'a.json'), new Date(2_000_000_000_000), new Date(2_000_000_000_000));
    utimesSync(join(dir, 'b.json.gz'), new Date(1_000_000_000_000), new Date(1_000_000_000_000));
    const listed = listTraceFolder(dir);
    assert.deepEqual(
      listed.entries.map((e) => [e.worker, e.timeMs]),
      [
        ['a', 2_000_000_000_000],
        ['b', 1_000_000_000_000],
      ],
    );
    assert.equal(jobEntries(listed)?.length, 2, 'two plain traces of two workers, each its cycle 0');
    const single = listTraceFolder(
      folder('single', { 'rank0.1700000001000.pt.trace.json': '[]', 'rank0.1700000002000.pt.trace.json': '[]' }),
    );
    assert.deepEqual(
      single.entries.map((e) => e.cycle),
      [1, 0],
    );
    assert.equal(jobEntries(single), undefined);
  });

  it('refuses a folder without traces, naming the folder and what a trace folder holds', () => {
    const dir = folder('empty', { 'notes.txt': 'x' });
    assert.equal(isTraceFolder(dir), false);
    assert.throws(
      () => listTraceFolder(dir),
      (error: unknown) =>
        error instanceof TraceError &&
        error.file === dir &&
        /no trace \(1 other file\).*tensorboard_trace_handler/.test(error.message),
    );
  });

  it('refuses a TrainLens run folder, saying to analyse it as a run', () => {
    const dir = folder('run', { 'run.json': '{}', 'trace.json': '[]' });
    assert.equal(isTraceFolder(dir), false);
    assert.throws(() => listTraceFolder(dir), /TrainLens run folder.*analyse it as a run/);
  });

  it('names a run folder that lost its run.json', () => {
    const dir = folder('broken-run', { 'trace.json': '[]', 'metrics.jsonl': '' });
    assert.throws(() => listTraceFolder(dir), /not a TrainLens run \(no run\.json\) and has no other trace/);
  });

  it('knows a trace folder from a file and a missing path', () => {
    assert.equal(isTraceFolder(join(root, 'cycles')), true);
    assert.equal(isTraceFolder(join(root, 'cycles', 'rank0.1700000001000.pt.trace.json')), false);
    assert.equal(isTraceFolder(join(root, 'missing')), false);
  });
});
