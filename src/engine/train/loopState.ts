import type * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batches';
import type { RunPhase } from '../../protocol/runPhases';
import type { StepPhase } from './outOfMemory';
import type { StepProfiler } from './stepProfiler';

/** Which step and phase are running, so an out-of-memory error can say where it happened. */
export interface LoopWhere {
  step: number;
  accumulation: number;
  phase: StepPhase;
}

/**
 * The mutable state of one run of the loop, shared by the step and the after-step policies. There is one object per
 * run and every step updates its fields in place, so passing it around allocates nothing per step.
 */
export interface LoopState {
  /** Steps done: before a step, its 0-based index; after it (in the policies), the count including it. */
  step: number;
  /** The step the run started from (0, or the step of the checkpoint it resumed). */
  readonly startStep: number;
  /** `performance.now()` when the loop started, for samples per second. */
  readonly started: number;
  /** Micro-batches per step; the memory action may double it (reduce_batch). */
  accumulation: number;
  /** The loss last read from the device (on logging steps), or the resumed checkpoint's. */
  finalLoss: number | null;
  /** The most tensor bytes seen at the end of a step. */
  peak: number;
  /** This step's learning rate. */
  lr: number;
  /** Whether this step logs its metrics (every `monitoring.log_every` steps, and the last step). */
  logs: boolean;
  /** Whether this step's kernels are timed with tf.profile (set before the step by the profiling window). */
  sampleKernels: boolean;
  /** `performance.now()` when this step started. */
  stepStart: number;
  /** Time this step waited for its batches (all micro-batches), in ms. */
  waitedMs: number;
  /** This step's mean loss, still on the device; released after the policies that read it. */
  meanLoss: tf.Scalar | undefined;
  /** This step's last micro-batch, for the accuracy of a logging step; released with `meanLoss`. */
  lastBatch: Batch | undefined;
  /** This step's validation values when it validated; undefined on other steps. */
  validation: Record<string, number> | undefined;
  /** Set by a policy to end the run as `completed` after this step, with this reason. */
  stopReason: string | undefined;
  /** The duration of every step, in ms. */
  readonly stepTimes: number[];
  /** Time every step waited for its batches, in ms, parallel to `stepTimes`. */
  readonly dataWaits: number[];
  /** Where the loop is, for out-of-memory errors. */
  readonly where: LoopWhere;
}

/**
 * Something the loop does after every step: checkpointing, early stopping, the memory action, the metrics log, the
 * profiling window. The loop runs its policies in a fixed order after each step, so each one sees what the earlier
 * ones left in the {@link LoopState} (the checkpoint and early stopping read the validation the metrics log ran).
 *
 * A policy returns a promise only when it has asynchronous work this step, so a step where no policy has anything
 * to do costs no promise and no microtask.
 */
export interface AfterStepPolicy {
  /** Called before each step starts, in policy order; only a policy that prepares the step needs it. */
  beforeStep?(state: LoopState): void;
  /** Called after each step, in policy order; the loop awaits a returned promise before the next policy. */
  afterStep(state: LoopState): Promise<void> | void;
}

/** Runs `work` and records it as `phase` of the current step when the step is profiled. */
export async function timed<T>(
  profiler: StepProfiler | undefined,
  phase: RunPhase,
  work: () => Promise<T>,
): Promise<T> {
  const begin = performance.now();
  const result = await work();
  profiler?.phase(phase, begin, performance.now());
  return result;
}
