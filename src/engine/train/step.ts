import * as tf from '@tensorflow/tfjs';
import type { OptimizationSwitches } from '../../config/types';
import type { BatchSource } from '../data/source';
import { compileTrainingLoss, type TrainingLoss } from './forward';
import { addGradients, gradientsToApply } from './gradients';
import { timed, type AfterStepPolicy, type LoopState } from './loopState';
import type { MemoryMonitor } from './memoryMonitor';
import type { ScheduledOptimizer } from './optimizer';
import type { StepProfiler } from './stepProfiler';

/** What one training step works with; fixed for the whole run. */
export interface StepInput {
  readonly model: tf.LayersModel;
  /** `training.loss`. */
  readonly lossName: string;
  readonly optimizer: ScheduledOptimizer;
  readonly batches: BatchSource;
  readonly memory: MemoryMonitor | undefined;
  readonly profiler: StepProfiler | undefined;
  /** `optimization.nan_guard`. */
  readonly guard: NonNullable<OptimizationSwitches['nan_guard']>;
  /** `training.clip_norm`: the global gradient norm is clipped to it when set. */
  readonly clipNorm: number | undefined;
}

/**
 * One optimizer step: waits for the micro-batches, runs forward and backward on each and sums their losses and
 * gradients, averages and clips the gradients, checks the loss (the NaN/Inf guard), applies the update and the
 * decoupled weight decay. The step's mean loss and last batch stay in the {@link LoopState} for the policies.
 */
export class TrainingStep {
  private readonly trainingLoss: TrainingLoss;
  private readonly variables: tf.Variable[];

  constructor(private readonly input: StepInput) {
    this.trainingLoss = compileTrainingLoss(input.model, input.lossName).loss;
    this.variables = input.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Runs the step `state.step`; returns why the run fails (the NaN guard's `stop`), or undefined. */
  async run(state: LoopState): Promise<string | undefined> {
    const { optimizer: opt, memory, profiler, guard } = this.input;
    const { where, accumulation } = state;
    where.step = state.step;
    where.accumulation = accumulation;
    where.phase = 'data';
    opt.setLearningRate(state.lr);
    const grads = await this.forwardBackward(state);
    memory?.mark('forward_backward');
    const optimizerStart = performance.now();
    where.phase = 'optimizer';
    const lossSum = state.meanLoss!;
    const meanLoss = accumulation === 1 ? lossSum : tf.div<tf.Scalar>(lossSum, accumulation);
    if (meanLoss !== lossSum) lossSum.dispose();
    state.meanLoss = meanLoss;
    const applied = gradientsToApply(grads, accumulation, this.input.clipNorm);
    if (applied !== grads) for (const g of Object.values(grads)) g.dispose();

    let skip = false;
    let optimizerResume = performance.now();
    profiler?.phase('optimizer', optimizerStart, optimizerResume);
    if (guard === 'skip_step' || (guard === 'stop' && state.logs)) {
      const value = await timed(profiler, 'host_sync', async () => (await meanLoss.data())[0]!);
      optimizerResume = performance.now();
      if (!Number.isFinite(value)) {
        if (guard === 'stop') {
          releaseStep(state);
          for (const g of Object.values(applied)) g.dispose();
          return `the loss became ${value} at step ${state.step + 1} (optimization.nan_guard: stop). Lower training.optimizer.learning_rate or set training.clip_norm.`;
        }
        skip = true;
      }
    }
    if (!skip) {
      if (state.sampleKernels) await this.applyProfiled(state.step, applied);
      else opt.optimizer.applyGradients(applied);
      // The one place the decoupled weight decay (adamw) runs: after the update, profiled step or not.
      if (opt.weightDecay > 0) this.decayWeights(state.lr);
    }
    for (const g of Object.values(applied)) g.dispose();
    profiler?.phase('optimizer', optimizerResume, performance.now());
    memory?.mark('optimizer');
    where.phase = 'metrics';
    return undefined;
  }

  /**
   * Runs forward and backward on each micro-batch of the step and returns the summed gradients; leaves the summed
   * loss in `state.meanLoss`, the last micro-batch in `state.lastBatch` and the time spent waiting in
   * `state.waitedMs`.
   */
  private async forwardBackward(state: LoopState): Promise<tf.NamedTensorMap> {
    const { batches, memory, profiler } = this.input;
    let lossSum: tf.Scalar | undefined;
    let grads: tf.NamedTensorMap | undefined;
    state.lastBatch = undefined;
    state.waitedMs = 0;
    for (let micro = 0; micro < state.accumulation; micro++) {
      const asked = performance.now();
      const tensorsBefore = memory ? tf.memory().numTensors : 0;
      const batch = await batches.next();
      const got = performance.now();
      // A batch is two new tensors (features, targets); anything more stayed behind in the data source.
      memory?.noteDataTensors(tf.memory().numTensors - tensorsBefore - 2);
      state.waitedMs += got - asked;
      profiler?.phase('data_wait', asked, got);
      if (micro === 0) memory?.mark('data');
      state.where.phase = 'forward_backward';
      const compute = () => tf.variableGrads(() => this.trainingLoss(batch.xs, batch.ys), this.variables);
      let computed: ReturnType<typeof compute> | undefined;
      if (state.sampleKernels) {
        const info = await tf.profile(() => {
          computed = compute();
          return [computed.value, ...Object.values(computed.grads)];
        });
        profiler?.addKernels(state.step, info.kernels);
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
      else addGradients(grads, g);
      state.lastBatch?.xs.dispose();
      state.lastBatch?.ys.dispose();
      state.lastBatch = batch;
      profiler?.phase('forward_backward', got, performance.now());
    }
    state.meanLoss = lossSum;
    return grads!;
  }

  /** Applies the gradients in a kernel-sampled step, timing their kernels with tf.profile. */
  private async applyProfiled(step: number, applied: tf.NamedTensorMap): Promise<void> {
    const info = await tf.profile(() => {
      this.input.optimizer.optimizer.applyGradients(applied);
      return [];
    });
    this.input.profiler?.addKernels(step, info.kernels);
  }

  /** Shrinks every trainable weight by `lr × weight_decay` (decoupled weight decay, after the update). */
  private decayWeights(lr: number): void {
    const decay = this.input.optimizer.weightDecay;
    tf.tidy(() => this.variables.forEach((v) => v.assign(tf.mul(v, 1 - lr * decay))));
  }
}

/** Disposes the step's mean loss and last batch, and forgets them. */
function releaseStep(state: LoopState): void {
  state.meanLoss?.dispose();
  state.lastBatch?.xs.dispose();
  state.lastBatch?.ys.dispose();
  state.meanLoss = undefined;
  state.lastBatch = undefined;
}

/**
 * Releases the step's mean loss and last batch. It runs right after the policies that read them (the metrics log)
 * and before the memory action, whose tensor count must not include them.
 */
export const releaseStepTensors: AfterStepPolicy = { afterStep: releaseStep };
