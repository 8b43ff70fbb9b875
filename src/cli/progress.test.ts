import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgress } from './progress';

test('without a terminal, progress is plain lines on stderr and nothing on stdout', () => {
  const out: string[] = [];
  const err: string[] = [];
  const progress = createProgress({ stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false }, 3, 'run');
  progress.update(1, 'loading data');
  progress.update(1, 'loading data');
  progress.update(3, 'done');
  progress.stop();
  assert.deepEqual(out, []);
  assert.deepEqual(err, ['run: loading data (1/3)\n', 'run: done (3/3)\n']);
});
