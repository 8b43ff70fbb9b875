import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync, gunzipSync } from 'node:zlib';
import { readTrace, TraceError } from './traceReader';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-trace-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const TRACES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces');

async function read(name: string, content: string | Buffer, maxBytes?: number) {
  const file = join(dir, name);
  writeFileSync(file, content);
  const events: Array<Record<string, unknown>> = [];
  const document = await readTrace(file, { onEvent: (e) => events.push(e), ...(maxBytes ? { maxBytes } : {}) });
  return { events, document };
}

test('streams the events of a real gzip Kineto trace: the same events JSON.parse finds, and the root metadata', async () => {
  const file = join(TRACES, 'hta_nccl_2ranks_a100.json.gz');
  const whole = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
    traceEvents: unknown[];
    distributedInfo: unknown;
  };
  const events: unknown[] = [];
  const document = await readTrace(file, { onEvent: (e) => events.push(e) });
  assert.equal(document.root, 'object');
  assert.equal(events.length, whole.traceEvents.length);
  assert.deepEqual(events[1234], whole.traceEvents[1234]);
  assert.deepEqual(events.at(-1), whole.traceEvents.at(-1));
  assert.deepEqual(document.metadata['distributedInfo'], whole.distributedInfo);
  assert.ok(!('traceEvents' in document.metadata));
});

test('an array root (ONNX Runtime, Chrome) and strings full of brackets, quotes and escapes', async () => {
  const tricky = [
    { name: 'a"b{c}[d]\\', ph: 'X', ts: 1 },
    { name: '\\\\', args: { list: [[1], { x: '}' }] } },
  ];
  const { events, document } = await read('array.json', JSON.stringify(tricky));
  assert.equal(document.root, 'array');
  assert.deepEqual(events, tricky);
  // Split at every position: chunk boundaries inside strings and escapes change nothing.
  const text = JSON.stringify({ traceEvents: tricky, other: { s: 'x\\"y' } });
  for (let cut = 1; cut < text.length; cut += 3) {
    const { events: again, document: doc } = await read(`cut${cut}.json`, text);
    assert.deepEqual(again, tricky);
    assert.deepEqual(doc.metadata['other'], { s: 'x\\"y' });
  }
});

test('bad input is a TraceError naming the problem: truncated, malformed, not gzip, empty, too large', async () => {
  const expectError = async (name: string, content: string | Buffer, pattern: RegExp, maxBytes?: number) =>
    assert.rejects(read(name, content, maxBytes), (error: unknown) => {
      assert.ok(error instanceof TraceError, String(error));
      assert.match(error.message, pattern);
      assert.ok(error.file.endsWith(name));
      return true;
    });
  const trace = JSON.stringify({ traceEvents: [{ ph: 'X', name: 'a', ts: 1, dur: 2 }] });
  await expectError('truncated.json', trace.slice(0, 30), /ends early.*truncated/);
  await expectError('truncated.json.gz', gzipSync(trace).subarray(0, 20), /gzip data is damaged or truncated/);
  await expectError('bad.json', '{"traceEvents": [{"ph": X}]}', /invalid JSON/);
  await expectError('plain.json.gz', trace, /ends in \.gz but is not gzip data/);
  await expectError('empty.json', '', /empty or is not JSON/);
  await expectError(
    'bomb.json.gz',
    gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20)),
    /decompresses to more than 1 MiB/,
    1024 * 1024,
  );
});
