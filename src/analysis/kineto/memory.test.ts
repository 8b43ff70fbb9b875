import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryCurves, memoryOf } from './memory';

/** Random memory samples: time, allocated, reserved (sometimes missing), device type (0 or 1, or only 0). */
function samples(seed: number, count: number, gpu: boolean): number[][] {
  let state = seed;
  const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: count }, (_, i) => [
    i * 10 + Math.floor(random() * 10),
    Math.floor(random() * 1e9),
    random() < 0.05 ? Number.NaN : Math.floor(random() * 2e9),
    gpu && random() < 0.6 ? 1 : 0,
  ]);
}

test('under the limit the curves are what memoryOf gives from all the samples', () => {
  for (let seed = 1; seed < 200; seed++) {
    const rows = samples(seed, seed % 50, seed % 3 !== 0);
    const curves = new MemoryCurves(64);
    for (const [t, allocated, reserved, device] of rows) curves.add(t!, allocated!, reserved!, device!);
    const column = (k: number) => Float64Array.from(rows.map((row) => row[k]!));
    assert.deepStrictEqual(curves.build(), memoryOf(column(0), column(1), column(2), column(3)), `seed ${seed}`);
  }
});

test('over the limit a curve is decimated: the peak and the lowest point stay, time order too', () => {
  const rows = samples(7, 100_000, true);
  const curves = new MemoryCurves(1000);
  for (const [t, allocated, reserved, device] of rows) curves.add(t!, allocated!, reserved!, device!);
  const memory = curves.build().memory!;
  const gpu = rows.filter((row) => row[3] === 1);
  const peak = gpu.reduce((a, row) => Math.max(a, row[1]!), 0);
  const lowest = gpu.reduce((a, row) => Math.min(a, row[1]!), Infinity);
  assert.ok(memory.tUs.length <= 2000 && memory.tUs.length >= 500, `${memory.tUs.length} samples kept`);
  assert.equal(memory.peakBytes, peak);
  assert.equal(
    memory.allocatedBytes.reduce((a, b) => Math.max(a, b), 0),
    peak,
  );
  assert.equal(
    memory.allocatedBytes.reduce((a, b) => Math.min(a, b), Infinity),
    lowest,
  );
  assert.ok(memory.tUs.every((t, i) => i === 0 || t >= memory.tUs[i - 1]!));
  // Some reserved values were missing, so the curve has none (as memoryOf decides).
  assert.equal(memory.reservedBytes, undefined);
  // Every kept point is a real sample.
  const real = new Set(gpu.map((row) => `${row[0]}:${row[1]}`));
  memory.tUs.forEach((t, i) => assert.ok(real.has(`${t}:${memory.allocatedBytes[i]}`)));
});
