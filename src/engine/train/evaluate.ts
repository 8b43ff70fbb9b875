import * as tf from '@tensorflow/tfjs';
import type { InMemoryDataset } from '../data/dataset';
import { accuracy, lossFor } from './losses';

/** Loss (and accuracy) on the validation set, in batches, without training. */
export async function evaluate(
  model: tf.LayersModel,
  data: InMemoryDataset,
  batchSize: number,
  lossName: string,
  wantsAccuracy: boolean,
): Promise<Record<string, number>> {
  const loss = lossFor(lossName);
  const width = data.features.length / data.size;
  let lossTotal = 0;
  let accTotal = 0;
  let count = 0;
  for (let start = 0; start < data.size; start += batchSize) {
    const n = Math.min(batchSize, data.size - start);
    const [l, a] = tf.tidy(() => {
      const xs = tf.tensor(data.features.subarray(start * width, (start + n) * width), [n, ...data.inputShape]);
      const ys = tf.tensor2d(data.targets.subarray(start * data.targetWidth, (start + n) * data.targetWidth), [
        n,
        data.targetWidth,
      ]);
      const out = model.predict(xs) as tf.Tensor;
      return [loss(ys, out), wantsAccuracy ? accuracy(ys, out) : tf.scalar(0)];
    });
    lossTotal += (await l.data())[0]! * n;
    accTotal += (await a.data())[0]! * n;
    l.dispose();
    a.dispose();
    count += n;
  }
  const values: Record<string, number> = { val_loss: lossTotal / count };
  if (wantsAccuracy) values['val_accuracy'] = accTotal / count;
  return values;
}
