import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { EventScanner } from './eventScanner';
import { readTrace, TraceError } from './traceReader';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-bounded-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `parts` to `file`, each a string or a count of `fill` characters in 1 MiB pieces (never one big string). */
async function writeStreamed(file: string, parts: Array<string | number>, fill = 'x', gzip = false): Promise<void> {
  const out = createWriteStream(file);
  const zip = gzip ? createGzip({ level: 1 }) : undefined;
  const sink = zip ?? out;
  const done = zip ? pipeline(zip, out) : once(out, 'finish');
  const piece = fill.repeat(1 << 20);
  const write = async (text: string) => {
    if (!sink.write(text)) await once(sink, 'drain');
  };
  for (const part of parts) {
    if (typeof part === 'string') await write(part);
    else
      for (let left = part; left > 0; left -= piece.length)
        await write(left >= piece.length ? piece : piece.slice(0, left));
  }
  sink.end();
  await done;
}

test('a 100 MB string in an event and in a root member is cut as it streams: time and memory stay small', async () => {
  const file = join(dir, 'huge-strings.json');
  const mb = 100 * 1024 * 1024;
  await writeStreamed(file, [
    '{"traceEvents": [{"ph": "X", "name": "a", "ts": 1, "dur": 2, "args": {"blob": "',
    mb,
    '"}}, {"ph": "X", "name": "b", "ts": 3, "dur": 1}], "big": {"note": "',
    mb,
    '"}, "deviceProperties": [{"id": 0}]}',
  ]);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const events: Array<Record<string, unknown>> = [];
  const started = Date.now();
  const document = await readTrace(file, {
    onEvent: (event) => events.push(event),
    onProgress: () => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)),
  });
  const seconds = (Date.now() - started) / 1000;
  // Before: each string was held whole and re-scanned with every chunk (minutes, gigabytes).
  assert.ok(seconds < 30, `read in ${seconds} s`);
  assert.ok(rssPeak - rssBefore < 400 * 1024 ** 2, `RSS grew by ${((rssPeak - rssBefore) / 1024 ** 2).toFixed(0)} MiB`);
  assert.equal(events.length, 2);
  const blob = (events[0]!['args'] as { blob: string }).blob;
  assert.ok(blob.length === 1024 * 1024 && /^x+$/.test(blob), `the blob has ${blob.length} characters`);
  assert.deepEqual(events[1], { ph: 'X', name: 'b', ts: 3, dur: 1 });
  assert.equal((document.metadata['big'] as { note: string }).note.length, 1024 * 1024);
  assert.deepEqual(document.metadata['deviceProperties'], [{ id: 0 }]);
  assert.equal(document.truncatedStrings, 2);
});

test('a gzip that inflates to white space is refused by its inflation ratio, within seconds', async () => {
  const file = join(dir, 'spaces.json.gz');
  await writeStreamed(file, ['{"traceEvents": [', 400 * 1024 * 1024, ']}'], ' ', true);
  const started = Date.now();
  // Before: it was read to the end (16 GiB at most) at 31 MB/s, scanning the spaces one regular expression each.
  await assert.rejects(
    readTrace(file, { onEvent: () => undefined }),
    (error: unknown) =>
      error instanceof TraceError &&
      /the gzip data inflates more than 200× .* the limit: .* decompress it \(gunzip\) and analyse the \.json/.test(
        error.message,
      ),
  );
  assert.ok(Date.now() - started < 15_000, `${Date.now() - started} ms`);
});

test('reading stops at the time limit with the limit in the message; white space between events is fast', async () => {
  const file = join(dir, 'spaces.json');
  await writeStreamed(file, ['[{"ph": "X"},', 64 * 1024 * 1024, '{"ph": "i"}]'], ' ');
  const started = Date.now();
  const document = await readTrace(file, { onEvent: () => undefined });
  assert.equal(document.events, 2);
  assert.ok(Date.now() - started < 10_000, `64 MB of spaces read in ${Date.now() - started} ms`);
  await assert.rejects(
    readTrace(file, { onEvent: () => undefined, timeLimitMs: 1 }),
    /took longer than 0\.0 s, the limit \(\d+ MiB read\)/,
  );
});

test('a FIFO or a device is refused before it is opened', async () => {
  const { execFileSync } = await import('node:child_process');
  const fifo = join(dir, 'trace.fifo');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(
    readTrace(fifo, { onEvent: () => undefined }),
    /cannot read the trace: it is a named pipe \(FIFO\)/,
  );
  await assert.rejects(readTrace('/dev/zero', { onEvent: () => undefined }), /cannot read the trace: it is a device/);
});

/** A seeded generator of strings full of escapes, surrogate pairs and brackets. */
function randomText(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const pieces = ['a', 'b', '\\', '"', '{', '}', '[', ']', 'é', '😀', '\n', '\u0001', ' ', 'xyz'];
  return {
    next,
    string: (length: number) => Array.from({ length }, () => pieces[Math.floor(next() * pieces.length)]).join(''),
  };
}

test('cut strings stay valid: any chunking, any cap, each string a prefix of the original, offsets exact', () => {
  const random = randomText(7);
  for (let round = 0; round < 1000; round++) {
    const events = Array.from({ length: 4 }, (_, i) => ({
      ph: 'X',
      ts: i,
      name: random.string(5 + Math.floor(random.next() * 60)),
      args: { s: random.string(Math.floor(random.next() * 80)) },
    }));
    const text = JSON.stringify({ meta: random.string(70), traceEvents: events });
    const cap = 16 + Math.floor(random.next() * 20);
    const got: Array<Record<string, unknown>> = [];
    const scanner = new EventScanner('t.json', { onEvent: (e) => got.push(e), maxStringChars: cap });
    const size = 1 + Math.floor(random.next() * 40);
    for (let at = 0; at < text.length; at += size) scanner.push(text.slice(at, at + size), size);
    const document = scanner.finish();
    assert.equal(got.length, events.length);
    got.forEach((event, i) => {
      const name = event['name'] as string;
      const s = (event['args'] as { s: string }).s;
      assert.ok(events[i]!.name.startsWith(name), `round ${round}: ${JSON.stringify(name)}`);
      // A cut keeps at least the limit less one escape (six characters) and a backslash run's worth.
      const raw = (text: string) => JSON.stringify(text).length - 2;
      assert.ok(raw(name) >= Math.min(raw(events[i]!.name), cap - 12), `round ${round}`);
      assert.ok(events[i]!.args.s.startsWith(s), `round ${round}`);
      assert.equal(event['ts'], i);
    });
    assert.ok(document.truncatedStrings >= 0);
  }
  // An error after a cut string names its true place in the file, whether the cut text is still held or not.
  for (const text of [
    `{"traceEvents": [{"a": "${'y'.repeat(5000)}"}]}}`,
    `{"traceEvents": [], "m": {"a": "${'y'.repeat(5000)}"}}}`,
  ]) {
    const scanner = new EventScanner('t.json', { onEvent: () => undefined, maxStringChars: 16 });
    assert.throws(
      () => {
        for (let at = 0; at < text.length; at += 100) scanner.push(text.slice(at, at + 100), 100);
      },
      new RegExp(`more JSON after the end of the trace \\(at character ${text.length - 1}\\)`),
    );
  }
});

test('a root member too large to hold is refused as it streams, before it is read whole', async () => {
  const file = join(dir, 'member.json');
  // 80 MB of small numbers: no string to cut, so the 64 MB limit on one value applies.
  await writeStreamed(file, ['{"traceEvents": [], "counts": [', 80 * 1024 * 1024, '1]}'], '1,');
  writeFileSync(join(dir, 'unused'), '');
  await assert.rejects(
    readTrace(file, { onEvent: () => undefined }),
    /the member "counts" is larger than 64 MB \(at character 30\)/,
  );
});
