import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT, trainlens } from '../support/cli';

// `trainlens report DIR` and `analyze DIR --format html` on trace folders: a job's report carries its distributed
// report (the Chromium side is test/webview/distributed.test.ts); one worker's folder reports its newest trace and
// names the others; a folder without traces is refused, naming it.
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-report-folder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON block the report embeds (the view the page shows). */
function embeddedView(html: string): { title: string; distributed?: { ranks: unknown[]; worldSize: number } } {
  const block = /<script type="application\/json" id="trainlens-data"[^>]*>([\s\S]*?)<\/script>/.exec(html);
  assert.ok(block, 'the report embeds its view');
  return (JSON.parse(block[1]!) as { view: { title: string; distributed?: { ranks: unknown[]; worldSize: number } } })
    .view;
}

test('report on the 128-rank sample folder embeds the job of both ranks', () => {
  const out = join(dir, 'ws128.html');
  const done = trainlens('report', join(TRACES, 'job-ws128-sample'), '--html', out);
  assert.equal(done.code, 0, done.stderr);
  const view = embeddedView(readFileSync(out, 'utf8'));
  assert.equal(view.title, 'job-ws128-sample: rank 0 of 2 read');
  assert.equal(view.distributed?.ranks.length, 2);
  assert.equal(view.distributed?.worldSize, 128);
});

test('one worker profiled twice: the newest trace is reported, the other named on stderr', () => {
  const folder = join(dir, 'single');
  mkdirSync(folder);
  copyFileSync(join(TRACES, 'hta_compare_base.json.gz'), join(folder, 'host_7.1700000000000.pt.trace.json.gz'));
  copyFileSync(join(TRACES, 'hta_compare_test.json.gz'), join(folder, 'host_7.1700000090000.pt.trace.json.gz'));
  const out = join(dir, 'single.html');
  const done = trainlens('analyze', folder, '--format', 'html', '--out', out);
  assert.equal(done.code, 0, done.stderr);
  const view = embeddedView(readFileSync(out, 'utf8'));
  assert.equal(view.title, 'host_7.1700000090000.pt.trace.json.gz');
  assert.equal(view.distributed, undefined);
  assert.match(done.stderr, /1 more trace in single \(host_7\.1700000000000\.pt\.trace\.json\.gz\); give one/);
});

test('a folder without traces is refused, naming the folder and what a trace folder holds', () => {
  const folder = join(dir, 'empty');
  mkdirSync(folder);
  writeFileSync(join(folder, 'notes.txt'), 'not a trace');
  const done = trainlens('report', folder, '--html', join(dir, 'empty.html'));
  assert.equal(done.code, 2);
  assert.ok(done.stderr.includes(folder), done.stderr);
  assert.match(done.stderr, /the folder has no trace \(1 other file\).*tensorboard_trace_handler/);
});
