import * as tf from '@tensorflow/tfjs';
import type { BatchSource } from '../../data/source';
import type { InMemoryDataset } from '../../data/dataset';
import { evaluate } from '../evaluate';
import { accuracy } from '../losses';
import { timed, type AfterStepPolicy, type LoopState } from '../loopState';
import type { LoopHooks } from '../loopTypes';
import type { StepProfiler } from '../stepProfiler';

/** The mean of durations, rounded to the microsecond. */
const meanMs = (times: readonly number[]) =>
  Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 1000) / 1000;

/** What the metrics log reads and reports with. */
export interface MetricsLogInput {
  readonly model: tf.LayersModel;
  readonly batches: BatchSource;
  readonly validation: InMemoryDataset | undefined;
  /** `training.validation_every`. */
  readonly validationEvery: number | undefined;
  /** `training.loss`. */
  readonly lossName: string;
  /** Whether `training.metrics` asks for accuracy. */
  readonly wantsAccuracy: boolean;
  readonly hooks: LoopHooks;
  readonly profiler: StepProfiler | undefined;
}

/**
 * The metrics log. On a logging step (`state.logs`) it reads the loss from the device (a host sync), the accuracy
 * of the step's last batch when asked for, and the mean data wait and step time since the previous log; on a
 * validation step it evaluates the validation set, the only place that does. Both go into one metrics row for the
 * `onMetrics` hook, and the validation stays in `state.validation` for the checkpoint and early stopping.
 */
export class MetricsLogPolicy implements AfterStepPolicy {
  /**
   * Where the steps since the last log start in `dataWaits` and `stepTimes` (a logging step's own time is not
   * complete when it logs, so it counts in the next interval).
   */
  private waitedFrom = 0;
  private timedFrom = 0;

  constructor(private readonly input: MetricsLogInput) {}

  afterStep(state: LoopState): Promise<void> | void {
    const validates = this.validates(state.step);
    state.validation = undefined;
    // Most steps neither log nor validate: they return at once, without a promise.
    if (state.logs || validates) return this.record(state, validates);
  }

  private async record(state: LoopState, validates: boolean): Promise<void> {
    const { batches, hooks } = this.input;
    const values = state.logs ? await this.trainingValues(state) : undefined;
    if (validates) {
      state.where.phase = 'validation';
      state.validation = await this.validate();
    }
    if (values) {
      if (state.validation) Object.assign(values, state.validation);
      hooks.onMetrics?.({ step: state.step, epoch: batches.epoch, values });
    } else if (state.validation)
      hooks.onMetrics?.({ step: state.step, epoch: batches.epoch, values: state.validation });
  }

  /** Whether the step that made `step` steps done validates. */
  private validates(step: number): boolean {
    const every = this.input.validationEvery;
    return Boolean(this.input.validation && every && step % every === 0);
  }

  /** The loss, learning rate, mean data wait and step time, and accuracy of a logging step. */
  private async trainingValues(state: LoopState): Promise<Record<string, number>> {
    const { model, wantsAccuracy, profiler } = this.input;
    const { stepTimes, dataWaits, lastBatch } = state;
    const syncStart = performance.now();
    const values: Record<string, number> = {
      loss: (await state.meanLoss!.data())[0]!,
      lr: state.lr,
      data_wait_ms: meanMs(dataWaits.slice(this.waitedFrom)),
      ...(stepTimes.length > this.timedFrom ? { step_ms: meanMs(stepTimes.slice(this.timedFrom)) } : {}),
    };
    this.waitedFrom = dataWaits.length;
    this.timedFrom = stepTimes.length;
    state.finalLoss = values['loss']!;
    if (wantsAccuracy && lastBatch) {
      const acc = tf.tidy(() => accuracy(lastBatch.ys, model.predict(lastBatch.xs) as tf.Tensor));
      values['accuracy'] = (await acc.data())[0]!;
      acc.dispose();
    }
    profiler?.phase('host_sync', syncStart, performance.now());
    return values;
  }

  /** Loss (and accuracy) on the validation set: the loop's one call of {@link evaluate}. */
  private validate(): Promise<Record<string, number>> {
    const { model, validation, batches, lossName, wantsAccuracy, profiler } = this.input;
    return timed(profiler, 'eval', () => evaluate(model, validation!, batches.batchSize, lossName, wantsAccuracy));
  }
}
