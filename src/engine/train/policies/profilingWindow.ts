import type { BatchSource } from '../../data/source';
import type { AfterStepPolicy, LoopState } from '../loopState';
import type { StepProfiler } from '../stepProfiler';

/**
 * The step clock and the profiling window. Before a step it starts the step's clock, opens the step's span in the
 * step profiler (which records only inside its window) and decides whether the step's kernels are sampled; after
 * the step (and the checkpoint and memory action, which count in its time) it records the step's duration and
 * closes the span with the batch and accumulation in force.
 */
export class ProfilingWindowPolicy implements AfterStepPolicy {
  constructor(
    private readonly profiler: StepProfiler | undefined,
    private readonly batches: BatchSource,
  ) {}

  beforeStep(state: LoopState): void {
    state.stepStart = performance.now();
    this.profiler?.beginStep(state.step, state.stepStart);
    state.sampleKernels = this.profiler?.samplesKernels(state.step) ?? false;
  }

  afterStep(state: LoopState): void {
    const stepEnd = performance.now();
    state.stepTimes.push(stepEnd - state.stepStart);
    this.profiler?.endStep(stepEnd, { batch: this.batches.batchSize, accumulation: state.accumulation });
  }
}
