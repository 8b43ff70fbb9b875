import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { effectiveSwitches } from '../../config/levels';
import type { TrainConfig } from '../../config/types';
import type { BatchSource } from '../data/source';
import { writeCheckpoint, type CheckpointState } from '../run/checkpoint';
import type { InMemoryDataset } from '../data/dataset';
import { compileTrainingLoss } from './forward';
import { accuracy } from './losses';
import { isOutOfMemory, OutOfMemoryError, type StepPhase } from './outOfMemory';
import type { RunPhase } from '../../protocol/runPhases';
import type { StepProfiler } from './stepProfiler';
import type { MemoryMonitor } from './memoryMonitor';
import { evaluate } from './evaluate';
import { adamAccumulators, createOptimizer, learningRateAt } from './optimizer';

/** The longest the loop runs without letting the event loop handle I/O, in ms. */
const YIELD_EVERY_MS = 50;

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
/** The mean of durations, rounded to the microsecond. */
const meanMs = (times: readonly number[]) =>
  Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 1000) / 1000;

export interface LoopResult {
  readonly status: 'completed' | 'stopped' | 'failed';
  readonly steps: number;
  readonly samplesPerSec: number;
  readonly finalLoss: number | null;
  readonly peakTensorBytes: number;
  readonly stepTimesMs: readonly number[];
  /** Samples each optimizer step consumes (batch size × gradient accumulation). */
  readonly samplesPerStep: number;
  /** Time each step waited for its batches (all micro-batches), in ms, parallel to `stepTimesMs`. */
  readonly dataWaitMs: readonly number[];
  /** Why the run failed or stopped early (NaN guard), when it did. */
  readonly reason?: string;
}

/** Where and how often the loop writes checkpoints. */
export interface CheckpointPlan {
  readonly dir: string;
  /** Regular checkpoints every N steps; undefined writes only the emergency one on stop. */
  readonly every?: number;
  readonly keep: number;
  readonly configHash: string;
  /** Also keep the checkpoint with the best value of this metric (e.g. val_loss) in `dir/best`. */
  readonly bestMetric?: string;
  readonly bestMode?: 'min' | 'max';
}

/** Everything the loop trains with. */
export interface LoopInput {
  /** Samples memory at step boundaries and finds leaks; its `act` signal triggers `optimization.memory.action`. */
  readonly memory?: MemoryMonitor;
  /** Told when the memory action changed the batch (reduce_batch). */
  readonly onMemoryAction?: (message: string) => void;
  readonly checkpoints?: CheckpointPlan;
  /** Records the phases of the steps in the profiling window (trace.json). */
  readonly profiler?: StepProfiler;
  /** A checkpoint to continue from: its state and tensors (model weights `model/N`, optimizer state `opt/N`). */
  readonly resume?: { readonly state: CheckpointState; readonly tensors: Map<string, tf.Tensor> };
  readonly config: TrainConfig;
  readonly model: tf.LayersModel;
  readonly batches: BatchSource;
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
  const where = { step: 0, accumulation: input.config.training.gradient_accumulation ?? 1, phase: 'data' as StepPhase };
  try {
    return await trainSteps(input, where);
  } catch (error) {
    if (!isOutOfMemory(error)) throw error;
    throw new OutOfMemoryError(
      where.step + 1,
      input.batches.batchSize,
      where.accumulation,
      where.phase,
      error instanceof Error ? error.message : String(error),
    );
  }
}

/** The loop itself; `where` tells the caller which step and phase were running when something threw. */
async function trainSteps(
  input: LoopInput,
  where: { step: number; accumulation: number; phase: StepPhase },
): Promise<LoopResult> {
  const { config, model, batches, hooks = {}, profiler } = input;
  /** Runs `work` and records it as `phase` of the current step when the step is profiled. */
  const timed = async <T>(phase: RunPhase, work: () => Promise<T>): Promise<T> => {
    const begin = performance.now();
    const result = await work();
    profiler?.phase(phase, begin, performance.now());
    return result;
  };
  const training = config.training;
  const { loss: trainingLoss } = compileTrainingLoss(model, training.loss);
  const opt = createOptimizer(training.optimizer);
  let accumulation = training.gradient_accumulation ?? 1;
  const memoryAction = effectiveSwitches(config.optimization).memory?.action ?? 'warn';
  const logEvery = config.monitoring?.log_every ?? 20;
  const guard = effectiveSwitches(config.optimization).nan_guard ?? 'stop';
  const baseLr = training.optimizer.learning_rate ?? 0.001;
  const wantsAccuracy = (training.metrics ?? []).includes('accuracy');
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const stepTimes: number[] = [];
  const dataWaits: number[] = [];
  /** Where the steps since the last log start in `dataWaits` and `stepTimes` (a logging step's own time is not
   * complete when it logs, so it counts in the next interval). */
  let waitedFrom = 0;
  let timedFrom = 0;
  let finalLoss: number | null = null;
  let peak = tf.memory().numBytes;
  let best = Infinity;
  let sinceBest = 0;
  const started = performance.now();
  let step = 0;
  let startStep = 0;
  let validation: Record<string, number> | undefined;

  if (input.resume) {
    const { state, tensors } = input.resume;
    const modelWeights = model.weights.map((_, i) => tensors.get(`model/${i}`));
    if (modelWeights.some((t) => !t)) throw new Error('the checkpoint does not match the model (a weight is missing)');
    model.setWeights(modelWeights as tf.Tensor[]);
    const optimizerWeights = [...tensors.keys()]
      .filter((k) => k.startsWith('opt/'))
      .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
    if (optimizerWeights.length > 0)
      await opt.optimizer.setWeights(optimizerWeights.map((k) => ({ name: k, tensor: tensors.get(k)! })));
    // Adam's bias-correction accumulators: setWeights recomputes them with pow(), which rounds differently from the
    // step-by-step products of an uninterrupted run; the saved values make the resumed run bit-identical.
    for (const [name, variable] of Object.entries(adamAccumulators(opt.optimizer))) {
      const saved = tensors.get(`optx/${name}`);
      if (saved) variable.assign(saved);
    }
    await batches.restore(state.batches);
    if (state.batchSize) batches.batchSize = state.batchSize;
    if (state.accumulation) accumulation = state.accumulation;
    step = state.step;
    startStep = step;
    finalLoss = state.finalLoss;
  }

  /** Writes model weights, optimizer state and the data position; atomic (see writeCheckpoint). */
  const checkpoint = async (folder?: string, keep?: number): Promise<void> => {
    const plan = input.checkpoints;
    if (!plan) return;
    const optimizerWeights = await opt.optimizer.getWeights();
    // getWeights() creates a new tensor for the iteration count every call; the others are the optimizer's own.
    const created = optimizerWeights.filter((w) => !(w.tensor instanceof tf.Variable));
    try {
      await writeCheckpoint(
        folder ?? plan.dir,
        {
          step,
          configHash: plan.configHash,
          batches: batches.position(),
          finalLoss,
          batchSize: batches.batchSize,
          accumulation,
        },
        [
          ...model.weights.map((w, i) => ({ name: `model/${i}`, tensor: w.read() })),
          ...optimizerWeights.map((w, i) => ({ name: `opt/${i}`, tensor: w.tensor })),
          ...Object.entries(adamAccumulators(opt.optimizer)).map(([name, variable]) => ({
            name: `optx/${name}`,
            tensor: variable,
          })),
        ],
        keep ?? plan.keep,
      );
    } finally {
      tf.dispose(created.map((w) => w.tensor));
    }
  };
  let bestValue: number | undefined;
  const validating = () =>
    Boolean(input.validation && training.validation_every && step % training.validation_every === 0);

  const finish = (status: LoopResult['status'], reason?: string): LoopResult => {
    const seconds = (performance.now() - started) / 1000;
    return {
      status,
      steps: step,
      samplesPerSec: seconds > 0 ? ((step - startStep) * batches.batchSize * accumulation) / seconds : 0,
      finalLoss,
      peakTensorBytes: peak,
      stepTimesMs: stepTimes,
      samplesPerStep: batches.batchSize * accumulation,
      dataWaitMs: dataWaits,
      ...(reason ? { reason } : {}),
    };
  };

  let lastYield = performance.now();
  for (; step < input.totalSteps;) {
    // On the cpu and wasm backends every kernel runs synchronously, so a step never gives the event loop a turn.
    // Yield at most every YIELD_EVERY_MS so a cancel request, a signal, GPU samples and idle-time batch
    // preparation are handled while training (a turn costs microseconds).
    if (performance.now() - lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    if (hooks.shouldStop?.()) {
      await checkpoint(); // the emergency checkpoint: a stopped run can be resumed
      return finish('stopped');
    }
    const stepStart = performance.now();
    profiler?.beginStep(step, stepStart);
    where.step = step;
    where.accumulation = accumulation;
    where.phase = 'data';
    const lr = learningRateAt(step, baseLr, training.schedule);
    opt.setLearningRate(lr);
    const log = (step + 1) % logEvery === 0 || step + 1 === input.totalSteps;

    let lastBatch: { xs: tf.Tensor; ys: tf.Tensor } | undefined;
    let lossSum: tf.Scalar | undefined;
    let grads: tf.NamedTensorMap | undefined;
    let waited = 0;
    for (let micro = 0; micro < accumulation; micro++) {
      const asked = performance.now();
      const tensorsBefore = input.memory ? tf.memory().numTensors : 0;
      const batch = await batches.next();
      const got = performance.now();
      // A batch is two new tensors (features, targets); anything more stayed behind in the data source.
      input.memory?.noteDataTensors(tf.memory().numTensors - tensorsBefore - 2);
      waited += got - asked;
      profiler?.phase('data_wait', asked, got);
      if (micro === 0) input.memory?.mark('data');
      where.phase = 'forward_backward';
      const compute = () => tf.variableGrads(() => trainingLoss(batch.xs, batch.ys), variables);
      let computed: ReturnType<typeof compute> | undefined;
      if (profiler?.samplesKernels(step)) {
        const info = await tf.profile(() => {
          computed = compute();
          return [computed.value, ...Object.values(computed.grads)];
        });
        profiler.addKernels(step, info.kernels);
      }
      const { value, grads: g } = computed ?? compute();
      // Without accumulation (the common case) no extra kernels run: sums and divisions start at the second micro-batch.
      if (!lossSum) lossSum = value;
      else {
        const nextSum = tf.add<tf.Scalar>(lossSum, value);
        lossSum.dispose();
        value.dispose();
        lossSum = nextSum;
      }
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
      profiler?.phase('forward_backward', got, performance.now());
    }
    input.memory?.mark('forward_backward');
    const optimizerStart = performance.now();
    where.phase = 'optimizer';
    const meanLoss = accumulation === 1 ? lossSum! : tf.div<tf.Scalar>(lossSum!, accumulation);
    if (meanLoss !== lossSum) lossSum!.dispose();
    const averaged = accumulation === 1 && !training.clip_norm;
    const applied = averaged
      ? grads!
      : tf.tidy(() => {
          let list = Object.values(grads!).map((g) => (accumulation === 1 ? g : tf.div(g, accumulation)));
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
    if (!averaged) for (const g of Object.values(grads!)) g.dispose();

    let skip = false;
    let optimizerResume = performance.now();
    profiler?.phase('optimizer', optimizerStart, optimizerResume);
    if (guard === 'skip_step' || (guard === 'stop' && log)) {
      const value = await timed('host_sync', async () => (await meanLoss.data())[0]!);
      optimizerResume = performance.now();
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
    if (!skip && profiler?.samplesKernels(step)) {
      const info = await tf.profile(() => {
        opt.optimizer.applyGradients(applied);
        return [];
      });
      profiler.addKernels(step, info.kernels);
      if (opt.weightDecay > 0) tf.tidy(() => variables.forEach((v) => v.assign(tf.mul(v, 1 - lr * opt.weightDecay))));
    } else if (!skip) {
      opt.optimizer.applyGradients(applied);
      if (opt.weightDecay > 0) tf.tidy(() => variables.forEach((v) => v.assign(tf.mul(v, 1 - lr * opt.weightDecay))));
    }
    for (const g of Object.values(applied)) g.dispose();
    profiler?.phase('optimizer', optimizerResume, performance.now());
    input.memory?.mark('optimizer');
    where.phase = 'metrics';
    peak = Math.max(peak, tf.memory().numBytes);
    step++;

    dataWaits.push(waited);
    if (log) {
      const syncStart = performance.now();
      const values: Record<string, number> = {
        loss: (await meanLoss.data())[0]!,
        lr,
        data_wait_ms: meanMs(dataWaits.slice(waitedFrom)),
        ...(stepTimes.length > timedFrom ? { step_ms: meanMs(stepTimes.slice(timedFrom)) } : {}),
      };
      waitedFrom = dataWaits.length;
      timedFrom = stepTimes.length;
      finalLoss = values['loss']!;
      if (wantsAccuracy && lastBatch) {
        const acc = tf.tidy(() => accuracy(lastBatch.ys, model.predict(lastBatch.xs) as tf.Tensor));
        values['accuracy'] = (await acc.data())[0]!;
        acc.dispose();
      }
      profiler?.phase('host_sync', syncStart, performance.now());
      if (validating()) {
        where.phase = 'validation';
        Object.assign(
          values,
          (validation = await timed('eval', () =>
            evaluate(model, input.validation!, batches.batchSize, training.loss, wantsAccuracy),
          )),
        );
      }
      hooks.onMetrics?.({ step, epoch: batches.epoch, values });
    } else if (validating()) {
      where.phase = 'validation';
      validation = await timed('eval', () =>
        evaluate(model, input.validation!, batches.batchSize, training.loss, wantsAccuracy),
      );
      hooks.onMetrics?.({ step, epoch: batches.epoch, values: validation });
    }
    meanLoss.dispose();
    lastBatch?.xs.dispose();
    lastBatch?.ys.dispose();
    where.phase = 'checkpoint';
    if (input.checkpoints?.every && step % input.checkpoints.every === 0) await timed('checkpoint', () => checkpoint());
    const bestMetric = input.checkpoints?.bestMetric;
    const watched = bestMetric && validation && validating() ? validation[bestMetric] : undefined;
    if (watched !== undefined) {
      const better =
        bestValue === undefined || (input.checkpoints?.bestMode === 'max' ? watched > bestValue : watched < bestValue);
      if (better) {
        bestValue = watched;
        await timed('checkpoint', () => checkpoint(join(input.checkpoints!.dir, 'best'), 1));
      }
    }
    const memoryHigh = input.memory?.endStep(step) ?? false;
    if (memoryHigh && memoryAction === 'dispose_caches') {
      const freed = batches.releaseCaches();
      if (freed.batches > 0)
        input.onMemoryAction?.(
          `optimization.memory.action dispose_caches: dropped ${freed.batches} batch${freed.batches > 1 ? 'es' : ''} prepared ahead (${formatBytes(freed.bytes)}) and stopped preparing ahead`,
        );
    }
    if (memoryHigh && memoryAction === 'reduce_batch' && batches.batchSize >= 2) {
      // Halve the micro-batch and double accumulation: the effective batch (and so the optimization) is unchanged.
      const before = batches.batchSize;
      batches.batchSize = Math.floor(before / 2);
      accumulation *= 2;
      input.onMemoryAction?.(
        `optimization.memory.action reduce_batch: batch ${before} → ${batches.batchSize}, gradient accumulation ${accumulation / 2} → ${accumulation} (effective batch kept)`,
      );
    }
    const stepEnd = performance.now();
    stepTimes.push(stepEnd - stepStart);
    profiler?.endStep(stepEnd, { batch: batches.batchSize, accumulation });
    const seconds = (performance.now() - started) / 1000;
    hooks.onProgress?.(
      step,
      input.totalSteps,
      batches.epoch,
      ((step - startStep) * batches.batchSize * accumulation) / seconds,
    );

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

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}
