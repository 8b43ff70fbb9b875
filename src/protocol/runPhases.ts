/**
 * What a TrainLens training step's time is spent on, in report order: the categories of a run's trace.json (written
 * by the engine's step profiler) and of its analysis. `other` is what the recorded phases leave of a step.
 */
export const RUN_PHASES = [
  'data_wait',
  'forward_backward',
  'optimizer',
  'host_sync',
  'eval',
  'checkpoint',
  'other',
] as const;

/** A phase the engine records (everything but `other`, which the analysis derives). */
export type RunPhase = Exclude<(typeof RUN_PHASES)[number], 'other'>;
