import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editDistance, suggest } from './didYouMean';

test('edit distance counts a transposition as one edit', () => {
  assert.equal(editDistance('batch_size', 'batch_size'), 0);
  assert.equal(editDistance('bacth_size', 'batch_size'), 1);
  assert.equal(editDistance('bach_size', 'batch_size'), 1);
  assert.equal(editDistance('', 'abc'), 3);
});

test('suggests close keys, closest first, and nothing for unrelated words', () => {
  const keys = ['batch_size', 'prefetch', 'workers', 'shuffle', 'seed', 'samples'];
  assert.deepEqual(suggest('bach_size', keys), ['batch_size']);
  assert.deepEqual(suggest('prefech', keys), ['prefetch']);
  assert.deepEqual(suggest('workers_count', keys), ['workers']);
  assert.deepEqual(suggest('optimizer', keys), []);
  assert.deepEqual(suggest('adma', ['adam', 'adamw', 'sgd']), ['adam']);
});
