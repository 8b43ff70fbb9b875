import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWebviewMessage } from './webviewMessages';

test('accepts exactly the protocol messages', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'environment/refresh' }), { type: 'environment/refresh' });
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
  ]) {
    assert.equal(parseWebviewMessage(value), undefined, JSON.stringify(value));
  }
});
