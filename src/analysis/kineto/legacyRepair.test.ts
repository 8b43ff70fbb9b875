import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadProfile } from '../analyze';
import { TraceError } from '../ingest/traceError';
import { LEGACY_NOTE } from './legacy';
import { repairLegacyTrace, repairNote } from './legacyRepair';

const LEGACY = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces', 'pytorch-legacy');

/** One event as the legacy exporter writes it: its template, with the name as it is. */
const raw = (name: string, ts: number, dur = 10) =>
  `{"name": "${name}", "ph": "X", "ts": ${ts}, "dur": ${dur}, "tid": 1, "pid": "CPU functions", "args": {}}`;

function withFile<T>(name: string, content: string | Buffer, body: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'trainlens-repair-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, content);
    return body(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('names with raw quotes, backslashes and new lines are read back as they were written', () => {
  const names = ['forward "main"', 'say "hi"', 'C:\\data\\x', 'two\nlines', 'aten::mm'];
  const text = `[${names.map((name, i) => raw(name, i * 10)).join(', ')}]`;
  for (const [file, content] of [
    ['t.json', text],
    ['t.json.gz', gzipSync(text)],
  ] as const) {
    const repair = withFile(file, content, repairLegacyTrace)!;
    assert.deepEqual(
      repair.events.map((e) => e['name']),
      names,
    );
    assert.equal(repair.repaired, 4);
    assert.deepEqual(repair.events[1], {
      name: 'say "hi"',
      ph: 'X',
      ts: 10,
      dur: 10,
      tid: 1,
      pid: 'CPU functions',
      args: {},
    });
    assert.deepEqual([repair.document.root, repair.document.events], ['array', 5]);
  }
});

test("nothing to repair, other damage, or not a legacy export: the reader's own error stands", () => {
  const fine = `[${raw('aten::mm', 0)}, ${raw('aten::add', 5)}]`;
  assert.equal(withFile('a.json', fine, repairLegacyTrace), undefined);
  // Truncated after a repairable event: the file is incomplete, which is not for the repair to hide.
  assert.equal(
    withFile('b.json', `[${raw('a "b"', 0)}, ${raw('aten::mm', 5).slice(0, 30)}`, repairLegacyTrace),
    undefined,
  );
  assert.equal(withFile('c.json', '{"traceEvents": [{"name": "a"b"}]}', repairLegacyTrace), undefined);
  assert.equal(withFile('d.json', '[{"name": "x", "ph": "X", "ts": 1, ]', repairLegacyTrace), undefined);
  // Never a device or a bomb: only a regular file is read, and only once its first bytes are the exporter's.
  assert.equal(repairLegacyTrace('/dev/zero'), undefined);
  assert.equal(withFile('e.json.gz', gzipSync(Buffer.alloc(8 << 20, 0x20)), repairLegacyTrace), undefined);
  const bomb = gzipSync(Buffer.concat([Buffer.from(`[${raw('a "b"', 0)}, `), Buffer.alloc(64 << 20, 0x20)]));
  assert.equal(withFile('f.json.gz', bomb, repairLegacyTrace), undefined);
});

test("a name that holds the template's own text cannot be repaired: the error gives the event's byte position", () => {
  const first = raw('µs "é"', 0);
  const text = `[${first}, ${raw('q"args": {}}z', 5)}]`;
  withFile('e.json', text, (file) => {
    assert.throws(
      () => repairLegacyTrace(file),
      (error: unknown) =>
        error instanceof TraceError &&
        error.file === file &&
        error.message.includes('unescaped quote that cannot be repaired unambiguously') &&
        error.message.includes(`at byte ${1 + Buffer.byteLength(first) + 2}`),
    );
  });
});

test('the committed trace with a quoted record_function label is repaired, analysed and says so', async () => {
  const profile = await loadProfile(join(LEGACY, 'quoted_label.json'), undefined, { spans: true });
  assert.equal(profile.source, 'kineto');
  assert.equal(profile.stepsNote, `${LEGACY_NOTE}; ${repairNote(6)}`);
  assert.deepEqual(
    profile.steps.map((s) => s.name),
    ['1', '2', '3', '4', '5', '6'],
  );
  // The label is on the timeline under its own name, once per step (nothing left over from the refused read).
  const timeline = profile.timeline!;
  const label = timeline.names.indexOf('forward "main"');
  assert.equal(timeline.name.filter((n) => n === label).length, 6);
});
