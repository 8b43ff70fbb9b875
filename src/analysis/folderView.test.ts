import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { listTraceFolder } from './distributed/folder';
import { buildFolderView, planTraceFolder, traceChoices } from './folderView';

const TRACES = join(__dirname, '..', '..', 'test', 'fixtures', 'traces');
const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A trace folder with copies of fixture traces under handler-style names. */
function folderOf(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainlens-folder-'));
  made.push(dir);
  for (const [name, fixture] of Object.entries(files)) copyFileSync(join(TRACES, fixture), join(dir, name));
  return dir;
}

test('two ranks of one cycle are a job: the lowest rank is shown, nothing else is offered', () => {
  const plan = planTraceFolder(listTraceFolder(join(TRACES, 'job-2ranks')));
  assert.equal(plan.kind, 'job');
  assert.equal(plan.kind === 'job' && plan.ranks.length, 2);
  assert.equal(basename(plan.shown.file), 'rank0.1700000000000.pt.trace.json.gz');
  assert.deepEqual(plan.others, []);
});

test('one worker profiled three times: the newest trace is shown, the other two are offered newest first', () => {
  const dir = folderOf({
    'host_41.1700000000000.pt.trace.json.gz': 'hta_compare_base.json.gz',
    'host_41.1700000060000.pt.trace.json.gz': 'hta_compare_test.json.gz',
    'host_41.1700000120000.pt.trace.json.gz': 'hta_compare_base.json.gz',
  });
  const plan = planTraceFolder(listTraceFolder(dir));
  assert.equal(plan.kind, 'single');
  assert.equal(basename(plan.shown.file), 'host_41.1700000120000.pt.trace.json.gz');
  assert.deepEqual(
    plan.others.map((e) => basename(e.file)),
    ['host_41.1700000060000.pt.trace.json.gz', 'host_41.1700000000000.pt.trace.json.gz'],
  );
  const choices = traceChoices(plan.others);
  assert.equal(choices[0]!.label, 'host_41.1700000060000.pt.trace.json.gz');
  assert.match(choices[0]!.description, /cycle 2$/);
  assert.match(choices[1]!.detail, /^written 2023-11-14 22:13:20 UTC · 0\.0 MB$/);
  assert.equal(choices[1]!.file, join(dir, 'host_41.1700000000000.pt.trace.json.gz'));
});

test('two ranks, one of them profiled again alone: the shared cycle is the job, the lone trace is offered', () => {
  const dir = folderOf({
    'rank0.1700000000000.pt.trace.json.gz': 'hta_sampled_rank0_ws128.json.gz',
    'rank1.1700000000100.pt.trace.json.gz': 'hta_sampled_rank1_ws128.json.gz',
    'rank0.1700000500000.pt.trace.json.gz': 'hta_sampled_rank0_ws128.json.gz',
  });
  const plan = planTraceFolder(listTraceFolder(dir));
  assert.equal(plan.kind, 'job');
  assert.deepEqual(plan.kind === 'job' && plan.ranks.map((e) => basename(e.file)), [
    'rank0.1700000000000.pt.trace.json.gz',
    'rank1.1700000000100.pt.trace.json.gz',
  ]);
  assert.deepEqual(
    plan.others.map((e) => basename(e.file)),
    ['rank0.1700000500000.pt.trace.json.gz'],
  );
});

test('a job folder becomes the shown rank profile with the distributed report of all ranks', async () => {
  const folder = listTraceFolder(join(TRACES, 'job-ws128-sample'));
  const plan = planTraceFolder(folder);
  const ranksRead: number[] = [];
  const view = await buildFolderView(folder, plan, { onRanks: (done) => ranksRead.push(done) });
  assert.deepEqual(ranksRead, [1, 2]);
  assert.equal(view.distributed?.ranks.length, 2);
  assert.equal(view.distributed?.worldSize, 128);
  assert.equal(view.distributed?.folder?.entries.length, 2);
  assert.match(view.title, /^job-ws128-sample: rank 0 of 2 read$/);
  assert.ok(view.timeline, 'the shown rank keeps its spans for the timeline');
});

test('a single trace folder becomes that trace profile, without a distributed report', async () => {
  const dir = folderOf({ 'host_41.1700000000000.pt.trace.json.gz': 'hta_compare_base.json.gz' });
  const folder = listTraceFolder(dir);
  const view = await buildFolderView(folder, planTraceFolder(folder));
  assert.equal(view.distributed, undefined);
  assert.equal(view.title, 'host_41.1700000000000.pt.trace.json.gz');
});
