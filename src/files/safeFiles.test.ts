import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkRegularFile, FileRuleError, isInside, readBoundedText, resolveInside } from './safeFiles';

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
