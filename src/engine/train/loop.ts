import * as tf from '@tensorflow/tfjs';
import { effectiveSwitches } from '../../config/levels';
import type { LoopState, LoopWhere, AfterStepPolicy } from './loopState';
import type { LoopInput, LoopResult } from './loopTypes';
import { createOptimizer, learningRateAt } from './optimizer';
import { isOutOfMemory, OutOfMemoryError } from './outOfMemory';
import { CheckpointPolicy } from './policies/checkpoint';
import { EarlyStopPolicy } from './policies/earlyStop';
import { MemoryActionPolicy, type MemoryActionInput } from './policies/memoryAction';
import { MetricsLogPolicy } from './policies/metricsLog';
import { ProfilingWindowPolicy } from './policies/profilingWindow';
import { ProgressPolicy } from './policies/progress';
import { restoreCheckpoint } from './resume';
import { releaseStepTensors, TrainingStep } from './step';

export type { CheckpointPlan, LoopHooks, LoopInput, LoopResult, MetricsRecord } from './loopTypes';

/** The longest the loop runs without letting the event loop handle I/O, in ms. */
const YIELD_EVERY_MS = 50;

/**
 * The training loop: gradient accumulation over micro-batches, global-norm clipping, the learning-rate schedule,
 * the NaN/Inf guard, validation and early stopping. The loss is read from the device only every
 * `monitoring.log_every` steps (each read is a host sync), except when the NaN guard must inspect every step.
 */
export async function runLoop(input: LoopInput): Promise<LoopResult> {
  const where: LoopWhere = { step: 0, accumulation: input.config.training.gradient_accumulation ?? 1, phase: 'data' };
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

/**
 * The loop itself: each iteration runs the {@link TrainingStep} and then the after-step policies in order;
 * `where` tells the caller which step and phase were running when something threw.
 */
async function trainSteps(input: LoopInput, where: LoopWhere): Promise<LoopResult> {
  const { config, model, batches, hooks = {}, profiler } = input;
  const training = config.training;
  const switches = effectiveSwitches(config.optimization);
  const opt = createOptimizer(training.optimizer);
  const trainingStep = new TrainingStep({
    model,
    lossName: training.loss,
    optimizer: opt,
    batches,
    memory: input.memory,
    profiler,
    guard: switches.nan_guard ?? 'stop',
    clipNorm: training.clip_norm,
  });
  const logEvery = config.monitoring?.log_every ?? 20;
  const baseLr = training.optimizer.learning_rate ?? 0.001;
  const resumed = input.resume?.state;
  const state = newLoopState(where, resumed, training.gradient_accumulation ?? 1);
  if (input.resume) await restoreCheckpoint(input.resume, model, opt, batches);

  const checkpoints = new CheckpointPolicy(
    { plan: input.checkpoints, model, optimizer: opt, batches, profiler },
    resumed?.step,
  );
  const policies = afterStepPolicies(input, checkpoints, switches.memory?.action ?? 'warn');
  const finish = (status: LoopResult['status'], reason?: string) =>
    loopResult(state, batches.batchSize, status, reason);
  // The final checkpoint, so a completed run can be extended with the same losses as one longer run; written after
  // the result is taken, so it does not count in the run's samples per second.
  const completed = async (reason?: string) => {
    const result = finish('completed', reason);
    await checkpoints.writeLast(state);
    return result;
  };

  let lastYield = performance.now();
  while (state.step < input.totalSteps) {
    // On the cpu and wasm backends every kernel runs synchronously, so a step never gives the event loop a turn.
    // Yield at most every YIELD_EVERY_MS so a cancel request, a signal, GPU samples and idle-time batch
    // preparation are handled while training (a turn costs microseconds).
    if (performance.now() - lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    if (hooks.shouldStop?.()) {
      // The emergency checkpoint: a stopped run can be resumed. A forced stop ends at once, without it.
      if (!hooks.forceStop?.()) await checkpoints.write(state);
      return finish('stopped');
    }
    for (let i = 0; i < policies.length; i++) policies[i]!.beforeStep?.(state);
    state.lr = learningRateAt(state.step, baseLr, training.schedule);
    state.logs = (state.step + 1) % logEvery === 0 || state.step + 1 === input.totalSteps;
    const failure = await trainingStep.run(state);
    if (failure !== undefined)
      return { ...finish('failed', failure), failure: { kind: 'nan', message: failure, step: state.step + 1 } };
    state.peak = Math.max(state.peak, tf.memory().numBytes);
    state.step++;
    state.dataWaits.push(state.waitedMs);
    // Indexed and awaiting only returned promises: a step where no policy has work allocates nothing here.
    for (let i = 0; i < policies.length; i++) {
      const pending = policies[i]!.afterStep(state);
      if (pending) await pending;
    }
    if (state.stopReason !== undefined) return completed(state.stopReason);
  }
  return completed();
}

/**
 * The policies run after every step, in order. The order matters: the metrics log runs the validation that the
 * checkpoint and early stopping read, the step's tensors are released before the memory monitor counts tensors, and
 * the step's time (taken by the profiling window) includes the checkpoint and the memory action.
 */
function afterStepPolicies(
  input: LoopInput,
  checkpoints: CheckpointPolicy,
  memoryAction: MemoryActionInput['action'],
): readonly AfterStepPolicy[] {
  const { model, batches, hooks = {}, profiler } = input;
  const training = input.config.training;
  return [
    new MetricsLogPolicy({
      model,
      batches,
      validation: input.validation,
      validationEvery: training.validation_every,
      lossName: training.loss,
      wantsAccuracy: (training.metrics ?? []).includes('accuracy'),
      hooks,
      profiler,
    }),
    releaseStepTensors,
    checkpoints,
    new MemoryActionPolicy({
      memory: input.memory,
      action: memoryAction,
      batches,
      onMemoryAction: input.onMemoryAction,
    }),
    new ProfilingWindowPolicy(profiler, batches),
    new ProgressPolicy(hooks, batches, input.totalSteps),
    new EarlyStopPolicy(training.early_stopping),
  ];
}

/** The state of a run that starts fresh, or continues at the step, loss and accumulation of a checkpoint. */
function newLoopState(
  where: LoopWhere,
  resumed: NonNullable<LoopInput['resume']>['state'] | undefined,
  accumulation: number,
): LoopState {
  const step = resumed?.step ?? 0;
  return {
    step,
    startStep: step,
    started: performance.now(),
    accumulation: resumed?.accumulation || accumulation,
    finalLoss: resumed ? resumed.finalLoss : null,
    peak: tf.memory().numBytes,
    lr: 0,
    logs: false,
    sampleKernels: false,
    stepStart: 0,
    waitedMs: 0,
    meanLoss: undefined,
    lastBatch: undefined,
    validation: undefined,
    stopReason: undefined,
    stepTimes: [],
    dataWaits: [],
    where,
  };
}

/** The loop's result from its state when it ends. */
function loopResult(state: LoopState, batchSize: number, status: LoopResult['status'], reason?: string): LoopResult {
  const seconds = (performance.now() - state.started) / 1000;
  const samplesPerStep = batchSize * state.accumulation;
  return {
    status,
    steps: state.step,
    samplesPerSec: seconds > 0 ? ((state.step - state.startStep) * samplesPerStep) / seconds : 0,
    finalLoss: state.finalLoss,
    peakTensorBytes: state.peak,
    stepTimesMs: state.stepTimes,
    samplesPerStep,
    dataWaitMs: state.dataWaits,
    ...(reason ? { reason } : {}),
  };
}
