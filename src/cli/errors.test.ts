import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError, ExitCode, formatCliError, toCliError } from './errors';

test('names the file and the 1-based place before the message and the fix after it', () => {
  const error = new CliError('unknown key "bach_size".', ExitCode.problems, 'Did you mean "batch_size"?', {
    file: 'train.yaml',
    line: 4,
    column: 3,
  });
  assert.equal(
    formatCliError(error),
    'trainlens: train.yaml:4:3: unknown key "bach_size". Did you mean "batch_size"?\n',
  );
});

test('unexpected errors become one line with a way forward, never a stack trace', () => {
  const error = toCliError(new TypeError('x is undefined\n    at foo (file.js:1:1)'));
  assert.equal(error.exitCode, ExitCode.problems);
  const text = formatCliError(error);
  assert.doesNotMatch(text, /at foo/);
  assert.match(text, /internal error: x is undefined\. Run again with TRAINLENS_DEBUG=1/);
});
