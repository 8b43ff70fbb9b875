import * as tf from '@tensorflow/tfjs';
import { effectiveSwitches } from '../../config/levels';
import type { TrainConfig } from '../../config/types';
import type { BatchIterator } from '../data/batches';
import type { InMemoryDataset } from '../data/dataset';
import { accuracy, lossFor } from './losses';
import { createOptimizer, learningRateAt } from './optimizer';

/** One row of metrics.jsonl. */
export interface MetricsRecord {
  readonly step: number;
  readonly epoch: number;
  readonly values: Readonly<Record<string, number>>;
}

/** Callbacks through which the loop reports; all optional. */
export interface LoopHooks {
  onProgress?(step: number, totalSteps: number, epoch: number, samplesPerSec: number): void;
  onMetrics?(record: MetricsRecord): void;
  /** Polled between steps; true ends the run as `stopped`. */
  shouldStop?(): boolean;
}

/** The outcome of the loop. */
export interface LoopResult {
  readonly status: 'completed' | 'stopped' | 'failed';
  readonly steps: number;
  readonly samplesPerSec: number;
  readonly finalLoss: number | null;
  readonly peakTensorBytes: number;
  readonly stepTimesMs: readonly number[];
  /** Why the run failed or stopped early (NaN guard), when it did. */
  readonly reason?: string;
}

/** Everything the loop trains with. */
export interface LoopInput {
  readonly config: TrainConfig;
  readonly model: tf.LayersModel;
  readonly batches: BatchIterator;
  readonly validation?: InMemoryDataset;
  readonly totalSteps: number;
  readonly hooks?: LoopHooks;
}

/**
 * The training loop: gradient accumulation over micro-batches, global-norm clipping, the learning-rate schedule,
 * the NaN/Inf guard, validation and early stopping. The loss is read from the device only every
 * `monitoring.log_every` steps (each read is a host sync), except when the NaN guard must inspect every step.
 */
export async function runLoop(input: LoopInput): Promise<LoopResult> {
  const { config, model, batches, hooks = {} } = input;
  const training = config.training;
  const loss = lossFor(training.loss);
  const opt = createOptimizer(training.optimizer);
  const accumulation = training.gradient_accumulation ?? 1;
  const logEvery = config.monitoring?.log_every ?? 20;
  const guard = effectiveSwitches(config.optimization).nan_guard ?? 'stop';
  const baseLr = training.optimizer.learning_rate ?? 0.001;
  const wantsAccuracy = (training.metrics ?? []).includes('accuracy');
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const stepTimes: number[] = [];
  let finalLoss: number | null = null;
  let peak = tf.memory().numBytes;
  let best = Infinity;
  let sinceBest = 0;
  const started = performance.now();
  let step = 0;
  let validation: Record<string, number> | undefined;
  const validating = () =>
    Boolean(input.validation && training.validation_every && step % training.validation_every === 0);

  const finish = (status: LoopResult['status'], reason?: string): LoopResult => {
    const seconds = (performance.now() - started) / 1000;
    return {
      status,
      steps: step,
      samplesPerSec: seconds > 0 ? (step * batches.batchSize * accumulation) / seconds : 0,
      finalLoss,
      peakTensorBytes: peak,
      stepTimesMs: stepTimes,
      ...(reason ? { reason } : {}),
    };
  };

  for (; step < input.totalSteps;) {
    if (hooks.shouldStop?.()) return finish('stopped');
    const stepStart = performance.now();
    const lr = learningRateAt(step, baseLr, training.schedule);
    opt.setLearningRate(lr);
    const log = (step + 1) % logEvery === 0 || step + 1 === input.totalSteps;

    let lastBatch: { xs: tf.Tensor; ys: tf.Tensor } | undefined;
    let lossSum: tf.Scalar = tf.scalar(0);
    let grads: tf.NamedTensorMap | undefined;
    for (let micro = 0; micro < accumulation; micro++) {
      const batch = batches.next();
      const { value, grads: g } = tf.variableGrads(
        () => loss(batch.ys, model.apply(batch.xs, { training: true }) as tf.Tensor),
        variables,
      );
      const nextSum = tf.add<tf.Scalar>(lossSum, value);
      lossSum.dispose();
      value.dispose();
      lossSum = nextSum;
      if (!grads) grads = g;
      else {
        for (const name of Object.keys(g)) {
          const summed = tf.add(grads[name]!, g[name]!);
          grads[name]!.dispose();
          g[name]!.dispose();
          grads[name] = summed;
        }
      }
      lastBatch?.xs.dispose();
      lastBatch?.ys.dispose();
      lastBatch = batch;
    }
    const meanLoss = tf.div<tf.Scalar>(lossSum, accumulation);
    lossSum.dispose();
    const applied = tf.tidy(() => {
      let list = Object.values(grads!).map((g) => tf.div(g, accumulation));
      if (training.clip_norm) {
        const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
        const scale = tf.minimum(
          tf.scalar(1),
          tf.div(tf.scalar(training.clip_norm), tf.maximum(norm, tf.scalar(1e-12))),
        );
        list = list.map((g) => tf.mul(g, scale));
      }
      const named: tf.NamedTensorMap = {};
      Object.keys(grads!).forEach((name, i) => (named[name] = list[i]!));
      return named;
    });
    for (const g of Object.values(grads!)) g.dispose();

    let skip = false;
    if (guard === 'skip_step' || (guard === 'stop' && log)) {
      const value = (await meanLoss.data())[0]!;
      if (!Number.isFinite(value)) {
        if (guard === 'stop') {
          meanLoss.dispose();
          for (const g of Object.values(applied)) g.dispose();
          lastBatch?.xs.dispose();
          lastBatch?.ys.dispose();
          return finish(
            'failed',
            `the loss became ${value} at step ${step + 1} (optimization.nan_guard: stop). Lower training.optimizer.learning_rate or set training.clip_norm.`,
          );
        }
        skip = true;
      }
    }
    if (!skip) {
      opt.optimizer.applyGradients(applied);
      if (opt.weightDecay > 0) tf.tidy(() => variables.forEach((v) => v.assign(tf.mul(v, 1 - lr * opt.weightDecay))));
    }
    for (const g of Object.values(applied)) g.dispose();
    peak = Math.max(peak, tf.memory().numBytes);
    step++;

    if (log) {
      const values: Record<string, number> = { loss: (await meanLoss.data())[0]!, lr };
      finalLoss = values['loss']!;
      if (wantsAccuracy && lastBatch) {
        const acc = tf.tidy(() => accuracy(lastBatch.ys, model.predict(lastBatch.xs) as tf.Tensor));
        values['accuracy'] = (await acc.data())[0]!;
        acc.dispose();
      }
      if (validating())
        Object.assign(
          values,
          (validation = await evaluate(model, input.validation!, batches.batchSize, training.loss, wantsAccuracy)),
        );
      hooks.onMetrics?.({ step, epoch: batches.epoch, values });
    } else if (validating()) {
      validation = await evaluate(model, input.validation!, batches.batchSize, training.loss, wantsAccuracy);
      hooks.onMetrics?.({ step, epoch: batches.epoch, values: validation });
    }
    meanLoss.dispose();
    lastBatch?.xs.dispose();
    lastBatch?.ys.dispose();
    stepTimes.push(performance.now() - stepStart);
    const seconds = (performance.now() - started) / 1000;
    hooks.onProgress?.(step, input.totalSteps, batches.epoch, (step * batches.batchSize * accumulation) / seconds);

    const es = training.early_stopping;
    if (es && validation && validating()) {
      const watched = validation[es.metric ?? 'val_loss'];
      if (watched !== undefined) {
        if (watched < best) {
          best = watched;
          sinceBest = 0;
        } else if (++sinceBest >= (es.patience ?? 5))
          return finish(
            'completed',
            `early stopping: ${es.metric ?? 'val_loss'} did not improve for ${sinceBest} validations`,
          );
      }
    }
  }
  return finish('completed');
}

/** Loss (and accuracy) on the validation set, in batches, without training. */
async function evaluate(
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
