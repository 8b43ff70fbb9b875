import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { trainlens } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-cli-bounded-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fifo = join(dir, 'config.yaml');
execFileSync('mkfifo', [fifo]);

test('validate refuses a device or a FIFO at once (exit 2) instead of reading gigabytes or blocking', () => {
  const started = Date.now();
  // Before: /dev/zero was read (gigabytes) before the size limit was checked; a FIFO blocked forever.
  const device = trainlens('validate', '/dev/zero');
  assert.equal(device.code, 2);
  assert.match(
    device.stderr,
    /^trainlens: \/dev\/zero: cannot read the config: it is a device, not a file TrainLens can read/,
  );
  const pipe = trainlens('validate', fifo);
  assert.equal(pipe.code, 2);
  assert.match(pipe.stderr, /cannot read the config: it is a named pipe \(FIFO\)/);
  assert.ok(Date.now() - started < 20_000);
});

test('analyze and run refuse a FIFO instead of blocking', () => {
  const analyze = trainlens('analyze', fifo);
  assert.equal(analyze.code, 2);
  assert.match(analyze.stderr, /cannot read the trace: it is a named pipe \(FIFO\)/);
  const run = trainlens('run', fifo);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /cannot read the config: it is a named pipe \(FIFO\)/);
});

// `run --out /proc/x` looped forever: Node's mkdirSync(path, { recursive: true }) retries when mkdir answers
// ENOENT under an existing parent. makeDirectory (src/files) makes each level once; the run store uses it.
test('run --out /proc/x fails at once naming the folder', () => {
  const run = trainlens('run', 'examples/quickstart.yaml', '--steps', '2', '--out', '/proc/x/runs');
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /\/proc\/x cannot be created \(ENOENT\)/);
});
