/** Two profiles compared (src/analysis/diff.ts computes it). Types only: the compare view imports this file. */

/** How one operator or kernel changed between two profiles. */
export interface OpChange {
  readonly name: string;
  readonly change: 'added' | 'removed' | 'faster' | 'slower' | 'same';
  /** Total time per step in each profile, µs (0 where absent). */
  readonly beforeUs: number;
  readonly afterUs: number;
  readonly deltaUs: number;
}

/** Two profiles compared: mean step, breakdown per category, and operators/kernels per step. */
export interface ProfileDiff {
  readonly steps: { readonly beforeUs: number; readonly afterUs: number; readonly ratio: number };
  readonly breakdown: ReadonlyArray<{
    readonly category: string;
    readonly beforeUs: number;
    readonly afterUs: number;
    readonly deltaUs: number;
  }>;
  /** Changed entries, largest absolute change first. */
  readonly ops: readonly OpChange[];
}
