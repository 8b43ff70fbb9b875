import type { Batch, BatchPosition } from './batches';

/** Where a streamed dataset (a data module without cache) stands: its epoch and the samples taken in it. */
export interface StreamPosition {
  readonly kind: 'stream';
  readonly epoch: number;
  readonly samples: number;
}

/** A checkpointable position of any batch source. */
export type SourcePosition = BatchPosition | StreamPosition;

/**
 * Where the training loop takes its batches from: an in-memory dataset prepared ahead or in workers
 * ({@link PreparedBatches}), or a streamed data module ({@link ModuleBatches}).
 */
export interface BatchSource {
  /** The next batch as tensors (the caller disposes them); waits when it is not prepared yet. */
  next(): Promise<Batch>;
  /** The position after the last batch handed out (batches prepared ahead do not count), for checkpoints. */
  position(): SourcePosition;
  /** Continues from a saved position; batches prepared ahead are dropped. */
  restore(position: SourcePosition): Promise<void>;
  /** Samples per batch; the memory manager may lower it during a run. */
  batchSize: number;
  /** The epoch of the last batch handed out. */
  readonly epoch: number;
  /** Batches per epoch, when the source knows (a stream does not). */
  readonly stepsPerEpoch: number | undefined;
  /**
   * Frees what the source holds beyond the batch in use (batches prepared ahead) and stops preparing ahead, for
   * `optimization.memory.action: dispose_caches`. Returns what was freed; batches handed out stay the same.
   */
  releaseCaches(): { readonly batches: number; readonly bytes: number };
  /** Stops workers and streams. */
  dispose(): Promise<void>;
}
