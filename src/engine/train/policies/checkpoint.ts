import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BatchSource } from '../../data/source';
import { writeCheckpoint } from '../../run/checkpoint';
import { BestValueTracker } from '../bestValue';
import { timed, type AfterStepPolicy, type LoopState } from '../loopState';
import type { CheckpointPlan } from '../loopTypes';
import { adamAccumulators, type ScheduledOptimizer } from '../optimizer';
import type { StepProfiler } from '../stepProfiler';

/** What checkpoints are written from. */
export interface CheckpointInput {
  /** Where and how often; undefined writes no checkpoint at all. */
  readonly plan: CheckpointPlan | undefined;
  readonly model: tf.LayersModel;
  readonly optimizer: ScheduledOptimizer;
  readonly batches: BatchSource;
  readonly profiler: StepProfiler | undefined;
}

/**
 * Checkpoints: a regular one every `plan.every` steps and every `plan.everyMs` of training time (the newest
 * `plan.keep` are kept), and the best one in `plan.dir/best` whenever a validation improves `plan.bestMetric`. The
 * loop also calls {@link write} for the emergency checkpoint of a stopped run and {@link writeLast} when the run
 * completes, so that either can be resumed or extended.
 */
export class CheckpointPolicy implements AfterStepPolicy {
  private readonly best: BestValueTracker | undefined;
  /** The step of the newest checkpoint in `plan.dir` (a resumed run's checkpoint counts). */
  private lastStep: number | undefined;
  /** `performance.now()` of the newest checkpoint or of the start: time-based checkpoints count from it. */
  private lastAt = performance.now();

  constructor(
    private readonly input: CheckpointInput,
    resumedStep?: number,
  ) {
    const plan = input.plan;
    this.lastStep = resumedStep;
    this.best = plan?.bestMetric
      ? new BestValueTracker(plan.bestMetric, plan.bestMode === 'max' ? 'max' : 'min')
      : undefined;
  }

  afterStep(state: LoopState): Promise<void> | void {
    state.where.phase = 'checkpoint';
    // Most steps write nothing: they return at once, without a promise.
    if (this.regularDue(state.step) || (this.best && state.validation)) return this.save(state);
  }

  /** The checkpoint of a completed run, unless `plan.last` is off or the newest one is already of this step. */
  async writeLast(state: LoopState): Promise<void> {
    if (this.input.plan?.last && this.lastStep !== state.step) await this.write(state);
  }

  private regularDue(step: number): boolean {
    const { every, everyMs } = this.input.plan ?? {};
    // Time-based checkpoints measure training time only: the clock starts with the loop, not the process.
    return Boolean((every && step % every === 0) || (everyMs && performance.now() - this.lastAt >= everyMs));
  }

  private async save(state: LoopState): Promise<void> {
    const { plan, profiler } = this.input;
    if (this.regularDue(state.step)) await timed(profiler, 'checkpoint', () => this.write(state));
    if (this.best && state.validation && this.best.offer(state.validation))
      await timed(profiler, 'checkpoint', () => this.write(state, join(plan!.dir, 'best'), 1));
  }

  /** Writes model weights, optimizer state and the data position; atomic (see writeCheckpoint). */
  async write(state: LoopState, folder?: string, keep?: number): Promise<void> {
    const { plan, model, optimizer, batches } = this.input;
    if (!plan) return;
    const optimizerWeights = await optimizer.optimizer.getWeights();
    // getWeights() creates a new tensor for the iteration count every call; the others are the optimizer's own.
    const created = optimizerWeights.filter((w) => !(w.tensor instanceof tf.Variable));
    try {
      await writeCheckpoint(
        folder ?? plan.dir,
        {
          step: state.step,
          configHash: plan.configHash,
          batches: batches.position(),
          finalLoss: state.finalLoss,
          batchSize: batches.batchSize,
          accumulation: state.accumulation,
        },
        [
          ...model.weights.map((w, i) => ({ name: `model/${i}`, tensor: w.read() })),
          ...optimizerWeights.map((w, i) => ({ name: `opt/${i}`, tensor: w.tensor })),
          ...Object.entries(adamAccumulators(optimizer.optimizer)).map(([name, variable]) => ({
            name: `optx/${name}`,
            tensor: variable,
          })),
        ],
        keep ?? plan.keep,
      );
      if (folder === undefined) {
        this.lastStep = state.step;
        this.lastAt = performance.now();
      }
    } finally {
      tf.dispose(created.map((w) => w.tensor));
    }
  }
}
