import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes } from './format';
import { defined } from './defined';
import { maxOf, minOf, percentile, sortedNumbers } from './stats';

test('formatBytes picks the largest unit and one decimal by default', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(37.9 * 1024), '37.9 KiB');
  assert.equal(formatBytes(3 * 1024 ** 3), '3.0 GiB');
  assert.equal(formatBytes(-2 * 1024 ** 2), '-2.0 MiB');
  assert.equal(formatBytes(5 * 1024 ** 5), '5120.0 TiB');
});

test('formatBytes with significant digits or other decimals', () => {
  assert.equal(formatBytes(1024 ** 2, { decimals: 0 }), '1 MiB');
  assert.equal(formatBytes(16 * 1024 ** 3, { decimals: 0 }), '16 GiB');
  assert.equal(formatBytes(1536, { significant: 3 }), '1.50 KiB');
  assert.equal(formatBytes(3 * 1024 ** 3, { significant: 3 }), '3.00 GiB');
  assert.equal(formatBytes(100, { significant: 3 }), '100 B');
});

test('percentile is the nearest rank and finite on no values', () => {
  const values = sortedNumbers([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]);
  assert.deepEqual(values, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(percentile(values, 50), 5);
  assert.equal(percentile(values, 90), 9);
  assert.equal(percentile(values, 99), 10);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile([], 50), 0);
  // No spread into a call: 300k values sort and rank without a stack overflow.
  const big = sortedNumbers(Array.from({ length: 300_000 }, (_, i) => 300_000 - i));
  assert.equal(percentile(big, 100), 300_000);
});

test('defined drops the undefined fields and keeps falsy values', () => {
  const value: string | undefined = undefined;
  const copy = defined({ a: 1, b: value, c: 0, d: false, e: null });
  assert.deepEqual(copy, { a: 1, c: 0, d: false, e: null });
  assert.equal('b' in copy, false);
});

test('maxOf and minOf loop instead of spreading: 300k values, and a fallback for none', () => {
  const values = Float64Array.from({ length: 300_000 }, (_, i) => Math.sin(i) * i);
  assert.equal(
    maxOf(values),
    values.reduce((a, b) => Math.max(a, b)),
  );
  assert.equal(
    minOf(values),
    values.reduce((a, b) => Math.min(a, b)),
  );
  assert.equal(maxOf([], 0), 0);
  assert.equal(minOf([]), Infinity);
});
