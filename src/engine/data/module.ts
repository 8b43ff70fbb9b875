import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../../config/types';
import type { Batch } from './batches';
import type { InMemoryDataset } from './dataset';
import type { BatchSource, SourcePosition, StreamPosition } from './source';
import { checkRegularFile, FileRuleError } from '../../files/safeFiles';
import { guardExit, ModuleExitError, takeExitAttempt } from './exitGuard';
import { DataError } from './tabular';

/** A data module's entry file larger than this is not a module someone wrote (require would read it whole). */
const MAX_MODULE_BYTES = 64 * 1024 * 1024;

/** One sample as a data module yields it. */
export interface ModuleSample {
  /** Features: a tensor or numbers, `model.input_shape` values in all (nested arrays are flattened). */
  readonly xs: tf.Tensor | ArrayLike<number> | number[][];
  /** Classification: the class index (or a one-hot row); regression: the target value(s). */
  readonly ys: tf.Tensor | number | ArrayLike<number>;
}

/** What a data module's function receives. */
export interface DataModuleContext {
  /** The engine's TF.js: build the dataset with this (`tf.data.generator`, `tf.data.array`, …). */
  readonly tf: typeof tf;
  /** `train`, or `validation` (the function may return null when it has no validation data). */
  readonly split: 'train' | 'validation';
  readonly seed: number;
  readonly batchSize: number;
  /** The whole config, for the module's own settings. */
  readonly config: TrainConfig;
}

/** What the engine expects of the samples (from the model). */
export interface SampleShape {
  readonly inputShape: readonly number[];
  readonly targetWidth: number;
  readonly task: 'classification' | 'regression';
}

type DatasetFactory = (context: DataModuleContext) => unknown;

/** Where in the user's module a thrown error points: its first stack frame inside the module file. */
function whereIn(error: unknown, modulePath: string): string {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const line = stack.split('\n').find((l) => l.includes(modulePath));
  const match = line ? /:(\d+):(\d+)\)?$/.exec(line.trim()) : null;
  return match ? ` (${modulePath}:${match[1]}:${match[2]})` : '';
}

/** The error's own message, without the wrapper tf.data puts around errors thrown inside a pipeline. */
function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Error thrown while iterating through a dataset: /, '');
}

/**
 * The failure when the module called `process.exit` during `phase` (refused by the exit guard; the module may even
 * have caught what was thrown at it), else undefined.
 */
function exitFailure(error: unknown, modulePath: string, phase: string): DataError | undefined {
  const attempt = takeExitAttempt(modulePath);
  const exit = error instanceof ModuleExitError ? error : attempt;
  if (!exit) return undefined;
  return new DataError(
    `${exit.message} ${phase}${whereIn(error instanceof ModuleExitError ? error : undefined, modulePath)}; a data module must not exit the engine process: throw an Error instead (the run then stops with its message)`,
    modulePath,
  );
}

/** Checks the module's entry file before require opens it (a FIFO would block the engine, a device never ends). */
function checkModuleFile(modulePath: string): void {
  try {
    checkRegularFile(modulePath, 'data.path', MAX_MODULE_BYTES);
  } catch (error) {
    if (!(error instanceof FileRuleError)) throw error;
    throw new DataError(
      error.code === 'missing' ? 'the data module does not exist' : `the data module cannot be loaded: ${error.reason}`,
      modulePath,
    );
  }
}

/**
 * Loads a data module (`data.source: module`) and calls its function for one split. The module exports a function
 * (as `default`, `createDataset`, or `module.exports`) that receives a {@link DataModuleContext} and returns (or
 * resolves to) a `tf.data.Dataset` of `{ xs, ys }` samples. CommonJS and ES modules both load. Every failure —
 * the module throwing while it loads, a missing export, the function throwing, something that is not a dataset —
 * is a {@link DataError} naming the module and, where the stack has it, the line.
 */
export async function openDataModule(
  modulePath: string,
  context: DataModuleContext,
): Promise<tf.data.Dataset<tf.TensorContainer> | undefined> {
  checkModuleFile(modulePath);
  guardExit(modulePath);
  let exported: unknown;
  try {
    exported = createRequire(modulePath)(modulePath);
  } catch (error) {
    throw (
      exitFailure(error, modulePath, 'while loading') ??
      new DataError(`the data module threw while loading: ${messageOf(error)}${whereIn(error, modulePath)}`, modulePath)
    );
  }
  const exitedOnLoad = exitFailure(undefined, modulePath, 'while loading');
  if (exitedOnLoad) throw exitedOnLoad;
  const candidates = exported as { default?: unknown; createDataset?: unknown } | undefined;
  const factory = [candidates?.default, candidates?.createDataset, exported].find(
    (f): f is DatasetFactory => typeof f === 'function',
  );
  if (!factory)
    throw new DataError(
      'the data module exports no function; export `default function (context) { return tf.data.… }` (or `createDataset`)',
      modulePath,
    );
  let dataset: unknown;
  const phase = `in its function for the ${context.split} split`;
  try {
    dataset = await factory(context);
  } catch (error) {
    throw (
      exitFailure(error, modulePath, phase) ??
      new DataError(
        `the data module's function threw for the ${context.split} split: ${messageOf(error)}${whereIn(error, modulePath)}`,
        modulePath,
      )
    );
  }
  const exitedInFunction = exitFailure(undefined, modulePath, phase);
  if (exitedInFunction) throw exitedInFunction;
  if (dataset === null || dataset === undefined) {
    if (context.split === 'validation') return undefined;
    throw new DataError('the data module returned nothing for the train split; return a tf.data.Dataset', modulePath);
  }
  if (typeof (dataset as { iterator?: unknown }).iterator !== 'function')
    throw new DataError(
      `the data module returned ${typeof dataset === 'object' ? 'an object' : typeof dataset} that is not a tf.data.Dataset; build it with context.tf.data`,
      modulePath,
    );
  return dataset as tf.data.Dataset<tf.TensorContainer>;
}

/** Turns one sample into flat feature and target rows, checking sizes; `index` counts samples from 0 in the epoch. */
function flatten(
  element: tf.TensorContainer,
  shape: SampleShape,
  where: () => string,
  modulePath: string,
): { x: Float32Array; y: Float32Array } {
  const width = shape.inputShape.reduce((a, b) => a * b, 1);
  if (!element || typeof element !== 'object' || !('xs' in element) || !('ys' in element))
    throw new DataError(`${where()}: a sample must be an object { xs, ys }`, modulePath);
  const sample = element as unknown as ModuleSample;
  const values = (v: unknown): Float32Array =>
    v instanceof tf.Tensor
      ? Float32Array.from(v.dataSync())
      : typeof v === 'number'
        ? Float32Array.of(v)
        : Float32Array.from(
            (Array.isArray(v) ? (v as unknown[]).flat(8) : Array.from(v as ArrayLike<number>)) as number[],
          );
  const x = values(sample.xs);
  if (x.length !== width)
    throw new DataError(
      `${where()}: xs has ${x.length} values but model.input_shape [${shape.inputShape.join(', ')}] needs ${width}`,
      modulePath,
    );
  const raw = values(sample.ys);
  let y = raw;
  if (shape.task === 'classification' && raw.length === 1 && shape.targetWidth > 1) {
    const label = raw[0]!;
    if (!Number.isInteger(label) || label < 0 || label >= shape.targetWidth)
      throw new DataError(
        `${where()}: ys ${label} is not a class index below model.outputs (${shape.targetWidth})`,
        modulePath,
      );
    y = new Float32Array(shape.targetWidth);
    y[label] = 1;
  }
  if (y.length !== shape.targetWidth)
    throw new DataError(`${where()}: ys has ${y.length} values but model.outputs is ${shape.targetWidth}`, modulePath);
  tf.dispose(element);
  return { x, y };
}

/** Reads the next sample of a dataset iterator, turning a throw inside the user's pipeline into a DataError. */
async function pull(
  iterator: { next(): Promise<IteratorResult<tf.TensorContainer>> },
  where: () => string,
  modulePath: string,
): Promise<IteratorResult<tf.TensorContainer>> {
  let result: IteratorResult<tf.TensorContainer>;
  try {
    result = await iterator.next();
  } catch (error) {
    // tf.data rethrows errors of the pipeline as new ones: the exit guard's record says whether it was an exit.
    throw (
      exitFailure(error, modulePath, `in its dataset at ${where()}`) ??
      new DataError(
        `the data module's dataset threw at ${where()}: ${messageOf(error)}${whereIn(error, modulePath)}`,
        modulePath,
      )
    );
  }
  const exited = exitFailure(undefined, modulePath, `in its dataset at ${where()}`);
  if (exited) throw exited;
  return result;
}

/**
 * Reads a whole dataset into memory (for `data.cache: true` and for validation data), sample by sample, so the
 * usual in-memory pipeline (seeded shuffle, workers, exact resume) applies to it.
 */
export async function readDataModule(
  dataset: tf.data.Dataset<tf.TensorContainer>,
  shape: SampleShape,
  modulePath: string,
): Promise<InMemoryDataset> {
  const iterator = await dataset.iterator();
  const xs: Float32Array[] = [];
  const ys: Float32Array[] = [];
  for (;;) {
    const where = () => `sample ${xs.length + 1}`;
    const result = await pull(iterator, where, modulePath);
    if (result.done) break;
    const { x, y } = flatten(result.value, shape, where, modulePath);
    xs.push(x);
    ys.push(y);
  }
  if (xs.length === 0) throw new DataError('the data module returned an empty dataset', modulePath);
  const join = (rows: Float32Array[], width: number) => {
    const out = new Float32Array(rows.length * width);
    rows.forEach((row, i) => out.set(row, i * width));
    return out;
  };
  const width = xs[0]!.length;
  return {
    inputShape: shape.inputShape,
    targetWidth: shape.targetWidth,
    features: join(xs, width),
    targets: join(ys, shape.targetWidth),
    size: xs.length,
  };
}

/**
 * Batches streamed from a data module's dataset (`data.cache: false`): each epoch iterates the dataset afresh, with
 * TF.js's own `prefetch` keeping `prefetch × batch` samples in flight (useful when the module reads files or the
 * network). Order and shuffling are the module's. A partial batch at the end of an epoch is dropped. A checkpoint
 * records the epoch and the samples taken in it; resuming iterates that epoch again and skips them, which
 * reproduces the run exactly when the module's dataset is deterministic (seeded).
 */
export class ModuleBatches implements BatchSource {
  private iterator: { next(): Promise<IteratorResult<tf.TensorContainer>> } | undefined;
  private epochNow = 0;
  private taken = 0;
  private lastEpoch = 0;
  private ended = false;

  constructor(
    private readonly dataset: tf.data.Dataset<tf.TensorContainer>,
    public batchSize: number,
    private readonly shape: SampleShape,
    private prefetch: number,
    private readonly modulePath: string,
  ) {}

  get epoch(): number {
    return this.lastEpoch;
  }

  get stepsPerEpoch(): undefined {
    return undefined;
  }

  position(): StreamPosition {
    return { kind: 'stream', epoch: this.epochNow, samples: this.taken };
  }

  async restore(position: SourcePosition): Promise<void> {
    if (!('kind' in position)) throw new Error('the checkpoint is from in-memory data, not a streamed data module');
    this.epochNow = position.epoch;
    this.lastEpoch = position.epoch;
    await this.startEpoch();
    for (let i = 0; i < position.samples; i++) {
      const result = await pull(
        this.iterator!,
        () => `sample ${i + 1} of epoch ${position.epoch + 1}`,
        this.modulePath,
      );
      if (result.done) throw new Error('the data module now yields fewer samples than when the checkpoint was taken');
      tf.dispose(result.value);
    }
    this.taken = position.samples;
  }

  async next(): Promise<Batch> {
    if (!this.iterator) await this.startEpoch();
    const width = this.shape.inputShape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(this.batchSize * width);
    const y = new Float32Array(this.batchSize * this.shape.targetWidth);
    let filled = 0;
    let emptyEpochs = 0;
    while (filled < this.batchSize) {
      const where = () => `sample ${this.taken + 1} of epoch ${this.epochNow + 1}`;
      const result = await pull(this.iterator!, where, this.modulePath);
      if (result.done) {
        // The epoch ended: drop the partial batch and start the next epoch.
        if (this.taken < this.batchSize && ++emptyEpochs > 1)
          throw new DataError(
            `the data module's dataset yields ${this.taken} samples per epoch, fewer than one batch of ${this.batchSize}; lower data.batch_size`,
            this.modulePath,
          );
        this.epochNow++;
        await this.startEpoch();
        filled = 0;
        continue;
      }
      const row = flatten(result.value, this.shape, where, this.modulePath);
      x.set(row.x, filled * width);
      y.set(row.y, filled * this.shape.targetWidth);
      filled++;
      this.taken++;
    }
    this.lastEpoch = this.epochNow;
    return {
      xs: tf.tensor(x, [this.batchSize, ...this.shape.inputShape]),
      ys: tf.tensor2d(y, [this.batchSize, this.shape.targetWidth]),
      epoch: this.epochNow,
    };
  }

  /** Stops TF.js's prefetch for the epochs that follow (the current epoch's buffer is freed as it drains). */
  releaseCaches(): { batches: number; bytes: number } {
    const width = this.shape.inputShape.reduce((a, b) => a * b, 1) + this.shape.targetWidth;
    const bytes = this.prefetch * this.batchSize * width * Float32Array.BYTES_PER_ELEMENT;
    const batches = this.prefetch;
    this.prefetch = 0;
    return { batches, bytes };
  }

  dispose(): Promise<void> {
    this.iterator = undefined;
    this.ended = true;
    return Promise.resolve();
  }

  private async startEpoch(): Promise<void> {
    if (this.ended) throw new Error('the data stream was closed');
    this.taken = 0;
    const source = this.prefetch > 0 ? this.dataset.prefetch(this.prefetch * this.batchSize) : this.dataset;
    try {
      this.iterator = await source.iterator();
    } catch (error) {
      throw (
        exitFailure(error, this.modulePath, 'when its dataset was iterated') ??
        new DataError(
          `the data module's dataset threw when iterated: ${messageOf(error)}${whereIn(error, this.modulePath)}`,
          this.modulePath,
        )
      );
    }
  }
}
