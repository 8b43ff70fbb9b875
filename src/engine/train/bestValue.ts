/** Whether a lower (`min`, a loss) or a higher (`max`, an accuracy) value of a metric is better. */
export type BestMode = 'min' | 'max';

/**
 * The best value seen so far of one validation metric. Early stopping and the best checkpoint both ask it whether a
 * validation improved on every earlier one.
 */
export class BestValueTracker {
  private bestValue: number | undefined;

  constructor(
    /** The metric watched, a key of the validation values (e.g. `val_loss`). */
    readonly metric: string,
    readonly mode: BestMode,
    /**
     * The value to beat before any was seen. Undefined makes the first value an improvement whatever it is (even
     * NaN); a bound such as Infinity makes a first value that does not beat it (NaN, Infinity) count as no
     * improvement.
     */
    start?: number,
  ) {
    this.bestValue = start;
  }

  /** The best value so far, or the start value when none beat it yet. */
  get best(): number | undefined {
    return this.bestValue;
  }

  /**
   * Reads the metric from a step's validation values and offers it: true when it beats every earlier value (it
   * becomes the best), false when it does not, undefined when the values lack the metric.
   */
  offer(values: Readonly<Record<string, number>>): boolean | undefined {
    const value = values[this.metric];
    if (value === undefined) return undefined;
    const better =
      this.bestValue === undefined || (this.mode === 'max' ? value > this.bestValue : value < this.bestValue);
    if (better) this.bestValue = value;
    return better;
  }
}
