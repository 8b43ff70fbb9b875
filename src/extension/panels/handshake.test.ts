import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadyHandshake } from './handshake';

test('nothing is sent before ready; then the latest state, then the notifications in order', () => {
  const handshake = new ReadyHandshake<string>();
  assert.deepEqual(handshake.show('view 1'), []);
  assert.deepEqual(handshake.notify('note 1'), []);
  assert.deepEqual(handshake.show('view 2'), []);
  assert.deepEqual(handshake.notify('note 2'), []);
  assert.equal(handshake.isReady, false);
  assert.deepEqual(handshake.onReady(), ['view 2', 'note 1', 'note 2']);
  assert.equal(handshake.isReady, true);
});

test('after ready everything goes out at once, and a reloaded webview gets the latest state again', () => {
  const handshake = new ReadyHandshake<string>();
  assert.deepEqual(handshake.onReady(), []);
  assert.deepEqual(handshake.show('view 1'), ['view 1']);
  assert.deepEqual(handshake.notify('note 1'), ['note 1']);
  assert.deepEqual(handshake.show('view 2'), ['view 2']);
  assert.deepEqual(handshake.onReady(), ['view 2']);
});
