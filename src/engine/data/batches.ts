import * as tf from '@tensorflow/tfjs';
import { assembleBatch, type BatchArrays, type SampleArrays } from './assemble';
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

/** The samples of one batch, chosen but not yet copied: what a data worker needs to assemble it. */
export interface BatchPlan {
  readonly indices: Uint32Array;
  readonly epoch: number;
}

/**
 * A cheap bookmark of an iterator's position. The sample order is shared, not copied: a reshuffle makes a new
 * order array, so the bookmarked one stays as it was.
 */
export interface BatchMark {
  readonly order: Uint32Array;
  readonly cursor: number;
  readonly epoch: number;
  readonly randomState: number;
}

/**
 * Endless batches over a dataset, epoch after epoch, shuffled per epoch with a seeded stream (so a run is
 * reproducible and a resumed run can continue from a position). The last partial batch of an epoch is dropped so
 * every step has the same shape.
 *
 * Choosing a batch ({@link plan}) is separate from copying its rows ({@link assemble}), so the copying can run
 * ahead or in worker threads while the sample order stays decided here, in one place.
 */
export class BatchIterator {
  private order: Uint32Array;
  private readonly random: RandomStream;
  private cursor = 0;
  epoch = 0;
  /** The arrays batches are copied from, with their row widths. */
  readonly samples: SampleArrays;

  constructor(
    readonly data: InMemoryDataset,
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
    this.samples = {
      features: data.features,
      targets: data.targets,
      width: data.features.length / data.size,
      targetWidth: data.targetWidth,
    };
    if (shuffle) shuffleInPlace(this.order, this.random);
  }

  /** Where the iterator stands, for a checkpoint: restoring it continues with exactly the same batches. */
  position(): BatchPosition {
    return positionOf(this.mark());
  }

  /** Continues from a saved position. */
  restore(position: BatchPosition): void {
    if (position.order.length !== this.order.length)
      throw new Error('the data changed since the checkpoint (a different number of samples)');
    this.restoreMark({ ...position, order: Uint32Array.from(position.order) });
  }

  /** A bookmark of the current position, cheap enough to take for every batch prepared ahead. */
  mark(): BatchMark {
    return { order: this.order, cursor: this.cursor, epoch: this.epoch, randomState: this.random.state };
  }

  /** Goes back (or forward) to a bookmark. */
  restoreMark(mark: BatchMark): void {
    this.order = mark.order;
    this.cursor = mark.cursor;
    this.epoch = mark.epoch;
    this.random.state = mark.randomState;
  }

  /** Batches per epoch. */
  get stepsPerEpoch(): number {
    return Math.floor(this.data.size / this.batchSize);
  }

  /** Chooses the next batch's samples and moves on. */
  plan(): BatchPlan {
    if (this.cursor + this.batchSize > this.data.size) {
      this.cursor = 0;
      this.epoch++;
      if (this.shuffle) {
        this.order = this.order.slice();
        shuffleInPlace(this.order, this.random);
      }
    }
    const indices = this.order.subarray(this.cursor, this.cursor + this.batchSize);
    this.cursor += this.batchSize;
    return { indices, epoch: this.epoch };
  }

  /** The next batch as tensors, assembled on this thread. */
  next(): Batch {
    const plan = this.plan();
    return toBatch(assembleBatch(this.samples, plan.indices), this.data, plan.epoch);
  }
}

/** The checkpointable form of a bookmark. */
export function positionOf(mark: BatchMark): BatchPosition {
  return { order: Array.from(mark.order), cursor: mark.cursor, epoch: mark.epoch, randomState: mark.randomState };
}

/** Wraps assembled arrays as tensors of the dataset's shapes. */
export function toBatch(arrays: BatchArrays, data: InMemoryDataset, epoch: number): Batch {
  const rows = arrays.y.length / data.targetWidth;
  return {
    xs: tf.tensor(arrays.x, [rows, ...data.inputShape]),
    ys: tf.tensor2d(arrays.y, [rows, data.targetWidth]),
    epoch,
  };
}
