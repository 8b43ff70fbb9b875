import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cursorContext } from './yamlPath';

/** Text with a `|` marking the cursor. */
function at(marked: string) {
  const offset = marked.indexOf('|');
  return cursorContext(marked.replace('|', ''), offset);
}

test('a key position inside nested mappings', () => {
  const c = at('version: 1\ntraining:\n  optimizer:\n    name: adam\n    lea|\n');
  assert.deepEqual(c.parentPath, ['training', 'optimizer']);
  assert.equal(c.position, 'key');
  assert.equal(c.prefix, 'lea');
});

test('a value position names its key', () => {
  const c = at('optimization:\n  level: ad|\n');
  assert.deepEqual(c.parentPath, ['optimization']);
  assert.equal(c.position, 'value');
  assert.equal(c.key, 'level');
  assert.equal(c.prefix, 'ad');
});

test('top level and list items', () => {
  assert.deepEqual(at('mo|').parentPath, []);
  const c = at('model:\n  layers:\n    - type: dense\n      un|\n');
  assert.deepEqual(c.parentPath, ['model', 'layers', 0]);
});
