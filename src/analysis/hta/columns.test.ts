import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteColumn, IntColumn, TimeColumns } from './columns';

test('an IntColumn holds 32-bit integers narrow and widens exactly on the first value that does not fit', () => {
  const column = new IntColumn();
  const values = [0, -1, 2 ** 31 - 1, -(2 ** 31)];
  for (let i = 0; i < 3000; i++) values.push((i * 7919) % 100_003);
  for (const v of values) column.push(v);
  assert.equal(column.narrow, true);
  assert.ok(column.view() instanceof Int32Array);
  for (const odd of [2 ** 31, 1.5, -0]) {
    const wide = new IntColumn();
    for (const v of values) wide.push(v);
    wide.push(odd);
    wide.push(3);
    assert.equal(wide.narrow, false, `${odd} widens`);
    assert.deepEqual(Array.from(wide.view()), [...values, odd, 3]);
  }
});

test('a ByteColumn grows past its first block', () => {
  const column = new ByteColumn();
  for (let i = 0; i < 5000; i++) column.push(i % 8);
  assert.equal(column.view().length, 5000);
  assert.equal(column.view()[4999], 4999 % 8);
});

test('TimeColumns keep differences and comparisons against offset() exact, narrow or widened', () => {
  const base = 1_700_000_000_000_000; // µs since the epoch: a safe integer far beyond 32 bits
  for (const jump of [0, 2 ** 32, 0.5]) {
    const times = new TimeColumns();
    const start = times.column();
    const end = times.column();
    const raw: [number, number][] = [];
    for (let i = 0; i < 2000; i++) {
      const s = base + i * 1000 + (i === 1500 ? jump : 0);
      raw.push([s, s + (i % 37)]);
      times.push(start, s);
      times.push(end, s + (i % 37));
    }
    assert.equal(start.narrow, jump === 0);
    const cut = base + 777_000;
    const starts = start.view();
    const ends = end.view();
    for (let i = 0; i < raw.length; i++) {
      const [s, e] = raw[i]!;
      assert.equal(ends[i]! - starts[i]!, e - s);
      assert.equal(starts[i]! < times.offset(cut), s < cut);
      if (i > 0) assert.equal(starts[i]! - ends[i - 1]!, s - raw[i - 1]![1]);
    }
  }
});
