import { formatBytes } from '../../../common/format';
import type { OptimizationSwitches } from '../../../config/types';
import type { BatchSource } from '../../data/source';
import type { AfterStepPolicy, LoopState } from '../loopState';
import type { MemoryMonitor } from '../memoryMonitor';

/** What the memory action works with. */
export interface MemoryActionInput {
  readonly memory: MemoryMonitor | undefined;
  /** `optimization.memory.action`. */
  readonly action: NonNullable<NonNullable<OptimizationSwitches['memory']>['action']>;
  readonly batches: BatchSource;
  /** Told when the action changed something (caches dropped, batch reduced). */
  readonly onMemoryAction: ((message: string) => void) | undefined;
}

/**
 * The memory manager's step boundary: ends the step in the memory monitor (samples, thresholds, leaks) and, when
 * it says memory is high, runs `optimization.memory.action`: `dispose_caches` drops the batches prepared ahead,
 * `reduce_batch` halves the micro-batch and doubles accumulation. `warn` does nothing here (the monitor warned).
 */
export class MemoryActionPolicy implements AfterStepPolicy {
  constructor(private readonly input: MemoryActionInput) {}

  afterStep(state: LoopState): void {
    const { memory, action, batches, onMemoryAction } = this.input;
    const memoryHigh = memory?.endStep(state.step) ?? false;
    if (memoryHigh && action === 'dispose_caches') {
      const freed = batches.releaseCaches();
      if (freed.batches > 0)
        onMemoryAction?.(
          `optimization.memory.action dispose_caches: dropped ${freed.batches} batch${freed.batches > 1 ? 'es' : ''} prepared ahead (${formatBytes(freed.bytes)}) and stopped preparing ahead`,
        );
    }
    if (memoryHigh && action === 'reduce_batch' && batches.batchSize >= 2) {
      // Halve the micro-batch and double accumulation: the effective batch (and so the optimization) is unchanged.
      const before = batches.batchSize;
      batches.batchSize = Math.floor(before / 2);
      state.accumulation *= 2;
      onMemoryAction?.(
        `optimization.memory.action reduce_batch: batch ${before} → ${batches.batchSize}, gradient accumulation ${state.accumulation / 2} → ${state.accumulation} (effective batch kept)`,
      );
    }
  }
}
