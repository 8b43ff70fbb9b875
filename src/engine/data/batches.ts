import * as tf from '@tensorflow/tfjs';
import type { InMemoryDataset } from './dataset';
import { createRandom, shuffleInPlace, type RandomStream } from './random';

/** A saved position of a {@link BatchIterator}. */
export interface BatchPosition {
  readonly order: readonly number[];
  readonly cursor: number;
  readonly epoch: number;
  readonly randomState: number;
}

/** One batch as tensors; the caller disposes them. */
export interface Batch {
  readonly xs: tf.Tensor;
  readonly ys: tf.Tensor;
  readonly epoch: number;
}

/**
 * Endless batches over a dataset, epoch after epoch, shuffled per epoch with a seeded stream (so a run is
 * reproducible and a resumed run can continue from a position). The last partial batch of an epoch is dropped so
 * every step has the same shape.
 */
export class BatchIterator {
  private readonly order: Uint32Array;
  private readonly random: RandomStream;
  private cursor = 0;
  epoch = 0;
  private readonly width: number;

  constructor(
    private readonly data: InMemoryDataset,
    /** Samples per batch; the memory manager may lower it during a run. */
    public batchSize: number,
    private readonly shuffle: boolean,
    seed: number,
  ) {
    if (data.size < batchSize)
      throw new Error(
        `data has ${data.size} training samples, fewer than one batch of ${batchSize}; lower data.batch_size.`,
      );
    this.order = new Uint32Array(data.size).map((_, i) => i);
    this.random = createRandom(seed);
    this.width = data.features.length / data.size;
    if (shuffle) shuffleInPlace(this.order, this.random);
  }

  /** Where the iterator stands, for a checkpoint: restoring it continues with exactly the same batches. */
  position(): BatchPosition {
    return { order: Array.from(this.order), cursor: this.cursor, epoch: this.epoch, randomState: this.random.state };
  }

  /** Continues from a saved position. */
  restore(position: BatchPosition): void {
    if (position.order.length !== this.order.length)
      throw new Error('the data changed since the checkpoint (a different number of samples)');
    this.order.set(position.order);
    this.cursor = position.cursor;
    this.epoch = position.epoch;
    this.random.state = position.randomState;
  }

  /** Batches per epoch. */
  get stepsPerEpoch(): number {
    return Math.floor(this.data.size / this.batchSize);
  }

  next(): Batch {
    if (this.cursor + this.batchSize > this.data.size) {
      this.cursor = 0;
      this.epoch++;
      if (this.shuffle) shuffleInPlace(this.order, this.random);
    }
    const x = new Float32Array(this.batchSize * this.width);
    const y = new Float32Array(this.batchSize * this.data.targetWidth);
    for (let b = 0; b < this.batchSize; b++) {
      const i = this.order[this.cursor + b]!;
      x.set(this.data.features.subarray(i * this.width, (i + 1) * this.width), b * this.width);
      y.set(
        this.data.targets.subarray(i * this.data.targetWidth, (i + 1) * this.data.targetWidth),
        b * this.data.targetWidth,
      );
    }
    this.cursor += this.batchSize;
    return {
      xs: tf.tensor(x, [this.batchSize, ...this.data.inputShape]),
      ys: tf.tensor2d(y, [this.batchSize, this.data.targetWidth]),
      epoch: this.epoch,
    };
  }
}
