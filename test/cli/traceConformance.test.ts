// `trainlens analyze` on traces that follow the Trace Event Format's own rules but not plain JSON habits: the
// report says what was read differently and what was left out, with counts; other formats are clean errors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { trainlens } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-cli-conformance-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const x = (name: string, ts: unknown, dur: unknown, ph = 'X') => ({ ph, name, ts, dur, pid: 1, tid: 1 });

test('analyze reads a crashed, loosely typed trace and the text and JSON reports say what was skipped, with counts', () => {
  const events = [x('load', 0, 40), x('step', '40', '60'), x('odd', 0, 5, 'Z'), { ph: 'E', ts: 200, pid: 1, tid: 2 }];
  // No closing "]", and the last event cut short: as a crashed process leaves it.
  const file = join(dir, 'crashed.json');
  writeFileSync(file, `${JSON.stringify(events).slice(0, -1)},\n{"ph": "X", "name": "cut", "ts": 1`);
  const text = trainlens('analyze', file);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /Read: the file ended without the closing "\]" of its event array, in the middle of an event/,
  );
  assert.match(text.stdout, /Read: 1 event gave ts as a numeric string, read as a number\./);
  assert.match(text.stdout, /Read: 1 event left out: a phase \(ph\) the format does not define \("Z" ×1\)\./);
  assert.match(text.stdout, /Read: 1 E \(end\) event left out: no B \(begin\) open on its thread\./);
  assert.match(text.stdout, /Steps: 1, mean 0\.1 ms/);
  const json = trainlens('analyze', file, '--format', 'json');
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { ingest: { skipped: object; converted: object } };
  assert.deepEqual(report.ingest.skipped, { 'unknown-phase': 1, 'unmatched-end': 1, 'cut-event': 1 });
  assert.deepEqual(report.ingest.converted, { 'string-ts': 1, 'string-dur': 1 });
});

test('analyze on a UTF-16 trace reads it; on systrace and HTML traces it exits 2 naming the format and the viewer', () => {
  const trace = JSON.stringify({ traceEvents: [x('a', 0, 10)] });
  const utf16 = join(dir, 'windows.json');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(trace, 'utf16le')]));
  const read = trainlens('analyze', utf16);
  assert.equal(read.code, 0, read.stderr);
  assert.match(read.stdout, /Read: the file is UTF-16LE text, decoded as such/);
  const systrace = join(dir, 'trace.txt');
  writeFileSync(systrace, '# tracer: nop\n#\n  <idle>-0  [000] d..2  10.000001: sched_switch: {x}\n');
  const html = join(dir, 'trace.html');
  writeFileSync(
    html,
    `<!DOCTYPE html><html><script class="trace-data" type="application/text">${trace}</script></html>`,
  );
  for (const [file, pattern] of [
    [systrace, /systrace \(ftrace text\) trace.*Perfetto UI.*chrome:\/\/tracing/],
    [html, /an HTML trace.*Perfetto UI.*chrome:\/\/tracing/],
  ] as const) {
    const { code, stderr } = trainlens('analyze', file);
    assert.equal(code, 2, stderr);
    assert.ok(stderr.startsWith(`trainlens: ${file}: `), stderr);
    assert.match(stderr, pattern);
    assert.doesNotMatch(stderr, /\n\s+at /);
  }
});
