import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  checkRegularFile,
  FileRuleError,
  isInside,
  makeDirectory,
  readBoundedBytes,
  readBoundedText,
  resolveBeside,
  resolveInside,
} from './safeFiles';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('only regular files within the size limit are read', () => {
  const file = join(dir, 'a.yaml');
  writeFileSync(file, 'x: 1\n');
  assert.equal(readBoundedText(file, 'the config', 100), 'x: 1\n');
  assert.throws(() => checkRegularFile(file, 'the config', 2), /over the limit of 2; is it the right file/);
  assert.throws(() => checkRegularFile(dir, 'data.path'), /is a folder, not a file/);
  assert.throws(() => checkRegularFile('/dev/zero', 'the config'), /is a device/);
  assert.throws(() => checkRegularFile(join(dir, 'none'), 'model.path'), /model\.path: .* does not exist/);
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  // A FIFO is refused before anything opens it (opening one would block until a writer appears).
  assert.throws(
    () => checkRegularFile(fifo, 'data.path'),
    (e) => e instanceof FileRuleError && /named pipe/.test(e.message),
  );
});

test('writes stay inside their root through real paths: no .., no symlink out', () => {
  const run = join(dir, 'run');
  mkdirSync(run);
  assert.equal(resolveInside(run, 'checkpoints', 'monitoring.checkpoints.dir'), join(run, 'checkpoints'));
  assert.ok(isInside(run, join(run, 'a', 'b', 'not-yet')));
  assert.throws(
    () => resolveInside(run, '../elsewhere', 'monitoring.checkpoints.dir'),
    /outside .*use a relative path/,
  );
  assert.throws(() => resolveInside(run, '/tmp', 'monitoring.checkpoints.dir'), /outside/);
  symlinkSync(dir, join(run, 'escape'));
  assert.throws(() => resolveInside(run, 'escape/x', 'monitoring.checkpoints.dir'), /outside/);
});

test('a bounded read stops at the limit whatever the size says, and gives the reason on its own', () => {
  // /proc files say they are empty and give more: the read itself is bounded, not only the size check.
  assert.ok(readBoundedText('/proc/self/status', 'the status', 1 << 20).includes('Pid:'));
  assert.throws(
    () => readBoundedBytes('/proc/self/status', 'the status', 16),
    (e) => e instanceof FileRuleError && /gives more than 16 bytes, the limit/.test(e.message),
  );
  try {
    readBoundedText('/dev/zero', 'the config', 100);
    assert.fail('a device was read');
  } catch (error) {
    assert.ok(error instanceof FileRuleError);
    assert.equal(error.reason, 'it is a device, not a file TrainLens can read; name a regular file');
    assert.match(error.message, /^the config: \/dev\/zero is a device/);
  }
});

test('files listed beside a file stay beside it: no absolute path, no .., no symlink out', () => {
  const model = join(dir, 'model');
  mkdirSync(model);
  writeFileSync(join(model, 'w.bin'), '');
  const what = 'the weight file listed in model.json';
  assert.equal(resolveBeside(model, 'w.bin', what), join(model, 'w.bin'));
  assert.equal(resolveBeside(model, 'shards/w2.bin', what), join(model, 'shards', 'w2.bin'));
  assert.throws(() => resolveBeside(model, '/etc/passwd', what), /is an absolute path; the files a model lists/);
  assert.throws(() => resolveBeside(model, '../a.yaml', what), /climbs out with "\.\."/);
  assert.throws(() => resolveBeside(model, 'x/../w.bin', what), /climbs out/);
  symlinkSync('/etc', join(model, 'etc'));
  assert.throws(() => resolveBeside(model, 'etc/passwd', what), /leads out through a symbolic link/);
});

test('folders are made one level at a time: /proc/x fails at once instead of looping', () => {
  const made = makeDirectory(join(dir, 'a', 'b', 'c'), '--out');
  assert.equal(made, join(dir, 'a', 'b', 'c'));
  assert.equal(makeDirectory(made, '--out'), made);
  const started = Date.now();
  // mkdirSync('/proc/x/runs', { recursive: true }) never returns (mkdir answers ENOENT under /proc).
  assert.throws(
    () => makeDirectory('/proc/x/runs', '--out'),
    /--out: \/proc\/x cannot be created \(ENOENT\); name a folder on a file system you can write to/,
  );
  assert.ok(Date.now() - started < 1000);
  writeFileSync(join(dir, 'plain'), '');
  assert.throws(
    () => makeDirectory(join(dir, 'plain', 'runs'), '--out'),
    /plain is a file, not a folder; name a folder to write in/,
  );
});
