import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpTotals, OTHER_NAMES } from './opTotals';

test('names past the limit are counted together in one row; the totals still add up', () => {
  const totals = new OpTotals(3);
  for (let i = 0; i < 10; i++) totals.add(`op${i % 5}`, i + 1);
  const table = totals.table();
  assert.deepEqual(
    table.map((row) => [row.name, row.calls, row.totalUs, row.maxUs]),
    [
      [OTHER_NAMES, 4, 4 + 5 + 9 + 10, 10],
      ['op2', 2, 3 + 8, 8],
      ['op1', 2, 2 + 7, 7],
      ['op0', 2, 1 + 6, 6],
    ],
  );
  assert.equal(totals.totalUs, 55);
});

test('under the limit every name has its own row', () => {
  const totals = new OpTotals();
  for (let i = 0; i < 1000; i++) totals.add(`op${i}`, 1);
  assert.equal(totals.table().length, 1000);
  assert.ok(totals.table().every((row) => row.name !== OTHER_NAMES));
});
