// The Trace Event Format's own rules, one test each, on small generated traces read by the real reader and
// loadProfile (the CLI's text report is covered in test/cli/traceConformance.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { analyzeProfile, loadProfile } from '../analyze';
import { TextChunkDecoder } from './sniff';
import { readTrace, TraceError } from './traceReader';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-conformance-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function read(name: string, content: string | Buffer) {
  const events: Array<Record<string, unknown>> = [];
  const document = await readTrace(write(name, content), { onEvent: (e) => events.push(e) });
  return { events, document };
}

const x = (name: string, ts: number, dur: number, extra: Record<string, unknown> = {}) => ({
  ph: 'X',
  name,
  ts,
  dur,
  pid: 1,
  tid: 1,
  ...extra,
});
const EVENTS = [x('a', 0, 10), x('b', 10, 20), x('c', 30, 5)];
const ARRAY = JSON.stringify(EVENTS);

async function rejects(name: string, content: string | Buffer, pattern: RegExp): Promise<void> {
  await assert.rejects(read(name, content), (error: unknown) => {
    assert.ok(error instanceof TraceError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

test('the closing "]" of the array form is optional: every event is read and the report says the file ended without it', async () => {
  for (const text of [ARRAY.slice(0, -1), `${ARRAY.slice(0, -1)},\n`, `${ARRAY.slice(0, -1)}\n  `]) {
    const { events, document } = await read('unclosed.json', text);
    assert.deepEqual(events, EVENTS);
    assert.deepEqual(document.unclosed, {});
  }
  const gz = await read('unclosed.json.gz', gzipSync(ARRAY.slice(0, -1)));
  assert.equal(gz.events.length, 3);
  const profile = await loadProfile(write('unclosed-profile.json', ARRAY.slice(0, -1)));
  assert.equal(profile.steps[0]!.endUs, 35);
  assert.match(profile.ingest!.notes.join('\n'), /ended without the closing "\]".*every event was read/);
  // A closed array says nothing.
  assert.equal((await loadProfile(write('closed.json', ARRAY))).ingest, undefined);
});

test('an array cut in the middle of an event: the complete events are read (as Perfetto does), the cut one is counted', async () => {
  const cutAt = ARRAY.lastIndexOf('{');
  const text = ARRAY.slice(0, cutAt + 12);
  const { events, document } = await read('cut.json', text);
  assert.deepEqual(events, EVENTS.slice(0, 2));
  assert.deepEqual(document.unclosed, { cutAt });
  const profile = await loadProfile(write('cut-profile.json', text));
  assert.equal(profile.ingest!.skipped['cut-event'], 1);
  assert.match(profile.ingest!.notes.join('\n'), new RegExp(`in the middle of an event \\(at character ${cutAt}\\)`));
  // The object form has no such rule (neither reference reader accepts it): a cut there is truncation.
  await rejects('cut-object.json', JSON.stringify({ traceEvents: EVENTS }).slice(0, -3), /ends early.*truncated/);
});

test('ts and dur given as numeric strings are read as numbers (as catapult does) and counted', async () => {
  const text = JSON.stringify([
    x('a', 0, 10),
    { ...x('b', 0, 0), ts: '10', dur: '20.5' },
    { ...x('c', 0, 0), ts: ' 1e1 ', dur: 5 },
    { ...x('d', 0, 0), ts: 'soon' },
  ]);
  const profile = await loadProfile(write('strings.json', text));
  assert.equal(profile.steps[0]!.endUs, 30.5);
  assert.deepEqual(
    profile.operators.map((op) => [op.name, op.totalUs]),
    [
      ['b', 20.5],
      ['a', 10],
      ['c', 5],
    ],
  );
  assert.deepEqual(profile.ingest!.converted, { 'string-ts': 2, 'string-dur': 1 });
  // A string that is not a number is still a time that is not one: left out, counted.
  assert.equal(profile.ingest!.skipped['bad-time'], 1);
  assert.match(profile.ingest!.notes.join('\n'), /2 events gave ts as a numeric string/);
});

test('unknown ph values are counted and skipped, not a reason to refuse the file', async () => {
  const text = JSON.stringify([x('a', 0, 10), { ...x('z', 0, 99), ph: 'Z' }, { ...x('q', 0, 99), ph: '?' }]);
  const profile = await loadProfile(write('phases.json', text));
  assert.deepEqual(
    profile.operators.map((op) => op.name),
    ['a'],
  );
  assert.equal(profile.ingest!.skipped['unknown-phase'], 2);
  assert.match(
    profile.ingest!.notes.join('\n'),
    /2 events left out: a phase \(ph\) the format does not define \("Z" ×1, "\?" ×1\)/,
  );
  // Every defined phase passes, the deprecated ones too.
  const defined = ['i', 'I', 'C', 'b', 'n', 'e', 'S', 'T', 'p', 'F', 's', 't', 'f', 'P', 'N', 'O', 'D', 'M', 'R', 'c'];
  const all = await loadProfile(
    write(
      'defined.json',
      JSON.stringify([x('a', 0, 10), ...defined.map((ph) => ({ ph, name: ph, ts: 1, pid: 1, tid: 1 }))]),
    ),
  );
  assert.equal(all.ingest, undefined);
  // A file of unknown phases only is a clean error that says why.
  await assert.rejects(
    loadProfile(write('only-unknown.json', JSON.stringify([{ ...x('z', 0, 9), ph: 'Z' }]))),
    (error: unknown) => error instanceof TraceError && /no usable events.*phase \(ph\)/.test(error.message),
  );
});

test('B/E pairs are matched per pid/tid as a stack; an unmatched E or an unended B is counted and reported', async () => {
  const be = (ph: string, name: string, ts: number, tid: number) => ({ ph, name, ts, pid: 1, tid });
  const text = JSON.stringify([
    be('B', 'outer', 0, 1),
    be('B', 'other', 5, 2),
    be('B', 'inner', 10, 1),
    be('E', '', 20, 1),
    be('E', '', 25, 2),
    be('E', '', 40, 1),
    be('E', '', 50, 1),
    be('B', 'open', 60, 3),
  ]);
  const profile = await loadProfile(write('be.json', text));
  assert.deepEqual(
    profile.operators.map((op) => [op.name, op.totalUs]),
    [
      ['outer', 40],
      ['other', 20],
      ['inner', 10],
    ],
  );
  assert.equal(profile.ingest!.skipped['unmatched-end'], 1);
  assert.equal(profile.ingest!.skipped['unclosed-begin'], 1);
  const notes = profile.ingest!.notes.join('\n');
  assert.match(notes, /1 E \(end\) event left out: no B \(begin\) open on its thread/);
  assert.match(notes, /1 B \(begin\) event left out: never ended/);
  assert.deepEqual(analyzeProfile(profile).ingest, profile.ingest);
});

test('displayTimeUnit only changes how times are shown: they stay µs, and the unit is recorded', async () => {
  const trace = (unit: unknown) => JSON.stringify({ traceEvents: EVENTS, displayTimeUnit: unit });
  const profile = await loadProfile(write('unit-ns.json', trace('ns')));
  assert.equal(profile.steps[0]!.endUs, 35);
  assert.equal(profile.ingest!.displayTimeUnit, 'ns');
  assert.equal(analyzeProfile(profile).ingest!.displayTimeUnit, 'ns');
  assert.match(profile.ingest!.notes[0]!, /displayTimeUnit "ns": times are read in µs/);
  // "ms" is the format's default: nothing to say.
  const ms = await loadProfile(write('unit-ms.json', trace('ms')));
  assert.equal(ms.steps[0]!.endUs, 35);
  assert.equal(ms.ingest, undefined);
  const odd = await loadProfile(write('unit-us.json', trace('us')));
  assert.equal(odd.ingest!.displayTimeUnit, undefined);
  assert.match(odd.ingest!.notes[0]!, /"us" is not one the format defines.*ignored/);
});

test('systrace and catapult HTML traces are named as such, with where to open them', async () => {
  const data = `<script class="trace-data" type="application/text">${ARRAY}</script>`;
  await rejects(
    'systrace.html',
    `<!DOCTYPE html>\n<html><head><script>var a = {b: [1]};</script></head>${data}</html>`,
    /HTML trace.*ui\.perfetto\.dev.*chrome:\/\/tracing/,
  );
  // The viewer's scripts come first in a trace2html page: the trace data is looked for through the whole file.
  const viewer = `<script>${'function f() { return [1, {a: 2}]; }\n'.repeat(60_000)}</script>`;
  await rejects('trace2html.html', `<html>\n${viewer}\n${data}\n</html>`, /HTML trace/);
  await rejects('page.html', `<!doctype html><html><body>{"a": [1]}</body></html>`, /HTML page with no trace data/);
  const ftrace = [
    '# tracer: nop',
    '#',
    '#           TASK-PID    CPU#  ||||    TIMESTAMP  FUNCTION',
    '#              | |        |   ||||       |         |',
    '          <idle>-0     [001] d..2  1234.567890: sched_switch: prev_comm=swapper/1 ==> next_comm=python {x}',
  ];
  await rejects('trace.txt', ftrace.join('\n'), /systrace \(ftrace text\).*ui\.perfetto\.dev/);
  await rejects('lines.txt', ftrace.slice(4).join('\n'), /systrace/);
  // JSON whose strings mention a tracer is JSON.
  assert.equal((await read('json.json', JSON.stringify([x('# tracer: nop', 0, 1)]))).events.length, 1);
});

test('UTF-16 (either byte order, with or without a BOM) is decoded, and a UTF-8 BOM is skipped', async () => {
  const text = JSON.stringify({ traceEvents: [...EVENTS, x('naïve ✓', 40, 1)], displayTimeUnit: 'ns' });
  const expected = JSON.parse(text) as { traceEvents: unknown[] };
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.from(le).swap16();
  const cases: Array<[string, Buffer, string, boolean]> = [
    ['utf8-bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8', true],
    ['le-bom.json', Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'utf-16le', true],
    ['be-bom.json', Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'utf-16be', true],
    ['le.json', le, 'utf-16le', false],
    ['be.json.gz', gzipSync(be), 'utf-16be', false],
  ];
  for (const [name, content, encoding, bom] of cases) {
    const { events, document } = await read(name, content);
    assert.deepEqual(events, expected.traceEvents, name);
    assert.equal(document.encoding, encoding, name);
    assert.equal(document.bom, bom, name);
  }
  const profile = await loadProfile(write('le-profile.json', le));
  assert.match(profile.ingest!.notes[0]!, /UTF-16LE text, decoded/);
  // UTF-16BE split anywhere (an odd byte at a chunk's end) decodes the same.
  for (const cut of [1, 2, 3, 7]) {
    const decoder = new TextChunkDecoder('utf-16be');
    assert.equal(decoder.write(be.subarray(0, cut)) + decoder.write(be.subarray(cut)) + decoder.end(), text);
  }
});

test('string members of the root object are kept (displayTimeUnit), keys and values told apart across chunks', async () => {
  const text = `{"a": 1, "displayTimeUnit" :\n "ns", "traceEvents": ${ARRAY}, "b": "x\\"y", "c": true, "d": {"e": "f"}}`;
  const { document } = await read('members.json', text);
  assert.deepEqual(document.metadata, { displayTimeUnit: 'ns', b: 'x"y', d: { e: 'f' } });
  // Padding puts the colon and the value in different 1 MiB chunks.
  const padded = `{"displayTimeUnit":${' '.repeat((1 << 20) - 19)}"ns", "traceEvents": ${ARRAY}}`;
  assert.equal((await read('padded.json', padded)).document.metadata['displayTimeUnit'], 'ns');
});
