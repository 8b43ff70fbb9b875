import type { BatchSource } from '../../data/source';
import type { AfterStepPolicy, LoopState } from '../loopState';
import type { LoopHooks } from '../loopTypes';

/** Reports progress after every step through the `onProgress` hook, with the samples per second since the start. */
export class ProgressPolicy implements AfterStepPolicy {
  constructor(
    private readonly hooks: LoopHooks,
    private readonly batches: BatchSource,
    private readonly totalSteps: number,
  ) {}

  afterStep(state: LoopState): void {
    const seconds = (performance.now() - state.started) / 1000;
    const { step, startStep, accumulation } = state;
    const batchSize = this.batches.batchSize;
    this.hooks.onProgress?.(
      step,
      this.totalSteps,
      this.batches.epoch,
      ((step - startStep) * batchSize * accumulation) / seconds,
    );
  }
}
