import type { BatchArrays } from './assemble';
import { assembleBatch } from './assemble';
import { positionOf, toBatch, type Batch, type BatchIterator, type BatchMark, type BatchPosition } from './batches';
import type { BatchSource, SourcePosition } from './source';
import { BatchWorkerPool } from './workerPool';

/** How far ahead and on how many threads batches are prepared (`data.prefetch`, `data.workers`). */
export interface PrepareOptions {
  readonly prefetch: number;
  readonly workers: number;
}

interface Prepared {
  /** The iterator's position before this batch: where a checkpoint taken now resumes. */
  readonly mark: BatchMark;
  readonly epoch: number;
  readonly ready: Promise<BatchArrays>;
}

/**
 * Batches of an in-memory dataset, prepared ahead of the training step. The sample order is decided on the training
 * thread by the {@link BatchIterator}, batch after batch; copying the rows runs
 *
 * - in `workers` worker threads when set, in parallel with training;
 * - else, with `prefetch` > 0, on the training thread whenever it is idle (awaiting a device read or a file write);
 * - else, right when the batch is asked for.
 *
 * Up to max(prefetch, workers) batches are in preparation beyond the one being trained on. A checkpoint records the
 * position of the next batch to hand out, so batches prepared ahead are prepared again after a resume and the
 * batches seen are the same with any prefetch or worker count.
 */
export class PreparedBatches implements BatchSource {
  private queue: Prepared[] = [];
  private readonly pool: BatchWorkerPool | undefined;
  private depth: number;
  private consumedEpoch: number;

  constructor(
    private readonly iterator: BatchIterator,
    options: PrepareOptions,
  ) {
    this.depth = Math.max(options.prefetch, options.workers);
    this.pool = options.workers > 0 ? new BatchWorkerPool(iterator.samples, options.workers) : undefined;
    this.consumedEpoch = iterator.epoch;
  }

  get batchSize(): number {
    return this.iterator.batchSize;
  }

  /** A new batch size drops the batches prepared ahead (they have the old size) and continues from the same place. */
  set batchSize(size: number) {
    if (size === this.iterator.batchSize) return;
    this.drop();
    this.iterator.batchSize = size;
  }

  get epoch(): number {
    return this.consumedEpoch;
  }

  get stepsPerEpoch(): number {
    return this.iterator.stepsPerEpoch;
  }

  position(): BatchPosition {
    return positionOf(this.queue[0]?.mark ?? this.iterator.mark());
  }

  restore(position: SourcePosition): Promise<void> {
    if ('kind' in position) throw new Error('the checkpoint is from a streamed data module, not this data');
    this.drop();
    this.iterator.restore(position);
    this.consumedEpoch = position.epoch;
    return Promise.resolve();
  }

  async next(): Promise<Batch> {
    this.fill(1);
    const head = this.queue.shift()!;
    this.fill(this.depth); // the following batches are prepared while this one is awaited and trained on
    const arrays = await head.ready;
    this.consumedEpoch = head.epoch;
    return toBatch(arrays, this.iterator.data, head.epoch);
  }

  releaseCaches(): { batches: number; bytes: number } {
    const batches = this.queue.length;
    const width = this.iterator.samples.width + this.iterator.samples.targetWidth;
    const bytes = batches * this.iterator.batchSize * width * Float32Array.BYTES_PER_ELEMENT;
    this.drop();
    this.depth = 0;
    return { batches, bytes };
  }

  async dispose(): Promise<void> {
    this.drop();
    await this.pool?.dispose();
  }

  /** Plans batches until `count` are in preparation. */
  private fill(count: number): void {
    while (this.queue.length < count) {
      const mark = this.iterator.mark();
      const plan = this.iterator.plan();
      this.queue.push({ mark, epoch: plan.epoch, ready: this.prepare(plan.indices) });
    }
  }

  private prepare(indices: Uint32Array): Promise<BatchArrays> {
    if (this.pool) return this.pool.assemble(indices);
    if (this.depth === 0) return Promise.resolve(assembleBatch(this.iterator.samples, indices));
    return new Promise((resolve) => setImmediate(() => resolve(assembleBatch(this.iterator.samples, indices))));
  }

  /** Forgets the batches prepared ahead and rewinds the iterator to the first of them. */
  private drop(): void {
    const first = this.queue[0];
    if (!first) return;
    for (const prepared of this.queue) prepared.ready.catch(() => undefined);
    this.queue = [];
    this.iterator.restoreMark(first.mark);
  }
}
