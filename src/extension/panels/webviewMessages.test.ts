import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWebviewMessage } from './webviewMessages';

test('accepts exactly the protocol messages', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'environment/refresh' }), { type: 'environment/refresh' });
  assert.deepEqual(parseWebviewMessage({ type: 'run/stop' }), { type: 'run/stop' });
  assert.deepEqual(parseWebviewMessage({ type: 'onnx/profile' }), { type: 'onnx/profile' });
  assert.deepEqual(parseWebviewMessage({ type: 'onnx/optimize' }), { type: 'onnx/optimize' });
  assert.deepEqual(parseWebviewMessage({ type: 'tune/copy', language: 'python' }), {
    type: 'tune/copy',
    language: 'python',
  });
  assert.deepEqual(parseWebviewMessage({ type: 'finding/apply', findingId: 'input-bound', rerun: true }), {
    type: 'finding/apply',
    findingId: 'input-bound',
    rerun: true,
  });
  assert.deepEqual(parseWebviewMessage({ type: 'distributed/openRank', rank: 0 }), {
    type: 'distributed/openRank',
    rank: 0,
  });
  assert.deepEqual(parseWebviewMessage({ type: 'distributed/openRank', rank: 127 }), {
    type: 'distributed/openRank',
    rank: 127,
  });
  assert.deepEqual(parseWebviewMessage({ type: 'finding/copy', findingId: 'comm-bound', language: 'javascript' }), {
    type: 'finding/copy',
    findingId: 'comm-bound',
    language: 'javascript',
  });
});

test('rejects anything else', () => {
  for (const value of [
    null,
    'ready',
    ['ready'],
    {},
    { type: 'run/start' },
    { type: 'ready', path: '/etc/passwd' },
    { type: 1 },
    { type: 'finding/apply', findingId: 'input-bound' },
    { type: 'finding/apply', findingId: 'input-bound', rerun: 'yes' },
    { type: 'finding/apply', findingId: '../../etc', rerun: false },
    { type: 'finding/apply', findingId: 'input-bound', rerun: false, path: 'data.prefetch', value: 99 },
    { type: 'run/stop', force: true },
    { type: 'onnx/profile', modelPath: '/etc/passwd' },
    { type: 'onnx/optimize', budgetMs: 1e9 },
    { type: 'tune/copy' },
    { type: 'tune/copy', language: 'rust' },
    { type: 'tune/copy', language: 'python', text: 'rm -rf /' },
    { type: 'distributed/openRank' },
    { type: 'distributed/openRank', rank: '1' },
    { type: 'distributed/openRank', rank: -1 },
    { type: 'distributed/openRank', rank: 1.5 },
    { type: 'distributed/openRank', rank: Number.NaN },
    { type: 'distributed/openRank', rank: 1e12 },
    { type: 'distributed/openRank', rank: 1, file: '/etc/passwd' },
    { type: 'finding/copy', findingId: 'input-bound' },
    { type: 'finding/copy', findingId: 'input-bound', language: 'bash' },
    { type: 'finding/copy', findingId: 'Input Bound', language: 'python' },
    { type: 'finding/copy', findingId: 7, language: 'python' },
    { type: 'finding/copy', findingId: 'input-bound', language: 'python', code: 'import os; os.system("x")' },
    { type: 'finding/copy', findingId: 'input-bound', language: ['python'] },
  ]) {
    assert.equal(parseWebviewMessage(value), undefined, JSON.stringify(value));
  }
});
