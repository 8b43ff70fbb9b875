import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unionRanges } from './kineto/roles';
import { intersectRanges, mergeRanges, sumRanges, windowSum } from './ranges';

/** Random [start, end] pairs with fractional times, overlapping and touching, some empty. */
function pairs(seed: number, count: number): Float64Array {
  let state = seed;
  const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const out = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    const start = Math.round(random() * 1000) / (random() < 0.5 ? 1 : 7);
    out[2 * i] = start;
    out[2 * i + 1] = start + (random() < 0.1 ? 0 : Math.round(random() * 40) / 3);
  }
  return out;
}

test('windowSum is sumRanges of intersectRanges, bit for bit, on any window', () => {
  for (let seed = 1; seed < 300; seed++) {
    const ranges = mergeRanges(pairs(seed, 1 + (seed % 60)));
    for (let w = 0; w < 20; w++) {
      const from = ((seed * 37 + w * 53) % 1100) - 50 + w / 9;
      const to = from + ((w * 17) % 300) / 7;
      assert.equal(
        windowSum(ranges, from, to),
        sumRanges(intersectRanges(Float64Array.of(from, to), ranges)),
        `seed ${seed}, [${from}, ${to})`,
      );
    }
  }
});

test('the union of merged parts equals merging everything at once, however the pairs are split', () => {
  for (let seed = 1; seed < 300; seed++) {
    const all = pairs(seed, 1 + (seed % 80));
    const cut = 2 * Math.floor((seed * 7919) % (all.length / 2 + 1));
    const parts = unionRanges(mergeRanges(all.subarray(0, cut)), mergeRanges(all.subarray(cut)));
    assert.deepStrictEqual(parts, mergeRanges(all), `seed ${seed}, cut at ${cut / 2}`);
  }
});
