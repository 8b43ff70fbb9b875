import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { BatchIterator } from './batches';
import { PreparedBatches, type PrepareOptions } from './prepared';
import { createSyntheticData } from './synthetic';

const data = createSyntheticData({ samples: 200, inputShape: [3, 2], outputs: 4, task: 'classification', seed: 5 });

/** The first feature value of each sample in each batch, and the batch's epoch: enough to tell batches apart. */
async function take(source: PreparedBatches, count: number): Promise<Array<{ epoch: number; x: number[] }>> {
  const seen: Array<{ epoch: number; x: number[] }> = [];
  for (let i = 0; i < count; i++) {
    const batch = await source.next();
    assert.deepEqual(batch.xs.shape.slice(1), [3, 2]);
    const x = Array.from(await batch.xs.data()).filter((_, j) => j % 6 === 0);
    seen.push({ epoch: batch.epoch, x });
    tf.dispose([batch.xs, batch.ys]);
  }
  return seen;
}

const settings: PrepareOptions[] = [
  { prefetch: 0, workers: 0 },
  { prefetch: 3, workers: 0 },
  { prefetch: 2, workers: 2 },
];

test('prefetching and workers hand out exactly the batches of the plain iterator, across epochs', async () => {
  await tf.setBackend('cpu');
  const reference = await take(new PreparedBatches(new BatchIterator(data, 32, true, 9), settings[0]!), 14);
  assert.ok(
    reference.some((b) => b.epoch === 2),
    'the sample spans epochs',
  );
  for (const options of settings.slice(1)) {
    const source = new PreparedBatches(new BatchIterator(data, 32, true, 9), options);
    try {
      assert.deepEqual(await take(source, 14), reference, JSON.stringify(options));
    } finally {
      await source.dispose();
    }
  }
});

test('a position taken with batches prepared ahead resumes at the next batch handed out, not the prepared ones', async () => {
  await tf.setBackend('cpu');
  const reference = await take(new PreparedBatches(new BatchIterator(data, 32, true, 9), settings[0]!), 12);
  const source = new PreparedBatches(new BatchIterator(data, 32, true, 9), { prefetch: 4, workers: 2 });
  await take(source, 5);
  const position = JSON.parse(JSON.stringify(source.position())) as ReturnType<PreparedBatches['position']>;
  await source.dispose();
  const resumed = new PreparedBatches(new BatchIterator(data, 32, true, 9), { prefetch: 4, workers: 1 });
  await resumed.restore(position);
  try {
    assert.deepEqual(await take(resumed, 7), reference.slice(5));
    assert.equal(resumed.epoch, reference[11]!.epoch);
  } finally {
    await resumed.dispose();
  }
});

test('a smaller batch mid-run (reduce_batch) drops the prepared batches and continues from the same sample', async () => {
  await tf.setBackend('cpu');
  const run = async (options: PrepareOptions) => {
    const source = new PreparedBatches(new BatchIterator(data, 32, false, 1), options);
    const first = await take(source, 2);
    source.batchSize = 16;
    const rest = await take(source, 3);
    await source.dispose();
    return [...first, ...rest];
  };
  const plain = await run(settings[0]!);
  assert.deepEqual(
    plain.map((b) => b.x.length),
    [32, 32, 16, 16, 16],
  );
  assert.deepEqual(await run({ prefetch: 3, workers: 2 }), plain);
});

test('releasing caches drops the batches prepared ahead, stops preparing ahead, and keeps the sequence', async () => {
  await tf.setBackend('cpu');
  const reference = await take(new PreparedBatches(new BatchIterator(data, 32, true, 9), settings[0]!), 8);
  const source = new PreparedBatches(new BatchIterator(data, 32, true, 9), { prefetch: 3, workers: 0 });
  const first = await take(source, 3);
  assert.deepEqual(source.releaseCaches(), { batches: 3, bytes: 3 * 32 * (6 + 4) * 4 });
  assert.deepEqual(source.releaseCaches(), { batches: 0, bytes: 0 }, 'nothing is prepared ahead any more');
  assert.deepEqual([...first, ...(await take(source, 5))], reference);
  await source.dispose();
});
