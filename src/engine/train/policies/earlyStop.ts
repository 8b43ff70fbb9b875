import type { TrainingConfig } from '../../../config/types';
import { BestValueTracker } from '../bestValue';
import type { AfterStepPolicy, LoopState } from '../loopState';

/**
 * Early stopping (`training.early_stopping`): ends the run as completed when `patience` validations in a row did
 * not lower the metric (`val_loss` unless named). It watches for a lower value whatever the metric, and starts
 * from Infinity, so a first validation of NaN or Infinity counts as no improvement.
 */
export class EarlyStopPolicy implements AfterStepPolicy {
  private readonly tracker: BestValueTracker | undefined;
  private readonly patience: number;
  /** Validations since the best one. */
  private sinceBest = 0;

  constructor(config: TrainingConfig['early_stopping']) {
    this.tracker = config ? new BestValueTracker(config.metric ?? 'val_loss', 'min', Infinity) : undefined;
    this.patience = config?.patience ?? 5;
  }

  afterStep(state: LoopState): void {
    if (!this.tracker || !state.validation) return;
    const improved = this.tracker.offer(state.validation);
    if (improved === undefined) return;
    if (improved) this.sinceBest = 0;
    else if (++this.sinceBest >= this.patience)
      state.stopReason = `early stopping: ${this.tracker.metric} did not improve for ${this.sinceBest} validations`;
  }
}
