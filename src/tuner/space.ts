import type { TrainConfig } from '../config/types';
import type { BackendCandidate, Finding } from '../protocol/types';
import type { Dimension, ParamValue, Params, SearchSpace } from './types';

/** The largest batch the finder grows to when the config does not list batch sizes. */
const MAX_BATCH = 4096;
/** A log interval that keeps host syncs rare (the loss is read back once per interval). */
const QUIET_LOG_EVERY = 100;
/** Far beyond any trial's steps: no checkpoint or validation runs inside a trial. */
const NEVER = 1_000_000;

/** What the machine offers, for the backend dimension. */
export interface SpaceEnvironment {
  readonly backends: readonly Pick<BackendCandidate, 'name' | 'status'>[];
  readonly cores: number;
}

const unique = (values: readonly ParamValue[]): ParamValue[] => [...new Set(values)];

/**
 * The search space of a config: `tuning.search` where it lists values, else defaults derived from the config, the
 * machine and a first profile's findings:
 *
 * - batch sizes double from the config's own up to 4,096 (or the data's size), for the batch-size finder;
 * - prefetch: the current depth, 0 and 2 (and 4 when the profile was input-bound);
 * - workers: 0 and 2 on a machine with two or more cores, for in-memory data (a streamed module runs on the training
 *   thread);
 * - gradient accumulation: only when listed (the effective batch is the user's choice);
 * - backend: the installed backends other than `cpu` when a faster one is installed, when there is a choice;
 * - log interval: the current one and 100 when it is shorter (each log reads the loss back from the device).
 *
 * Every trial also runs without the profiler, checkpoints or validation, so only training steps are measured.
 */
export function searchSpaceOf(
  config: TrainConfig,
  env: SpaceEnvironment,
  findings: readonly Finding[] = [],
): SearchSpace {
  const search = config.tuning?.search ?? {};
  const batch = config.data.batch_size;
  const samples = config.data.source === 'synthetic' ? (config.data.samples ?? Infinity) : Infinity;
  const batchSizes = search['batch_size']
    ? [...new Set(search['batch_size'].map(Number))].sort((a, b) => a - b)
    : doubling(batch, Math.min(MAX_BATCH, samples));

  const grid: Dimension[] = [];
  const add = (path: string, values: readonly ParamValue[]) => {
    const distinct = unique(values);
    if (distinct.length > 1) grid.push({ path, values: distinct });
  };
  const switches = config.optimization ?? {};
  const prefetchPath = switches.prefetch !== undefined ? 'optimization.prefetch' : 'data.prefetch';
  const prefetch = switches.prefetch ?? config.data.prefetch ?? 0;
  const inputBound = findings.some((f) => f.id === 'input-bound');
  add(prefetchPath, search['prefetch'] ?? [prefetch, 0, 2, ...(inputBound ? [4] : [])]);
  const streamed = config.data.source === 'module' && !config.data.cache;
  const workersPath = switches.workers !== undefined ? 'optimization.workers' : 'data.workers';
  const workers = switches.workers ?? config.data.workers ?? 0;
  if (search['workers']) add(workersPath, search['workers']);
  else if (!streamed && env.cores >= 2) add(workersPath, [workers, 0, 2]);
  if (search['gradient_accumulation']) add('training.gradient_accumulation', search['gradient_accumulation']);
  const installed = env.backends.filter((b) => b.status === 'installed').map((b) => b.name as string);
  const faster = installed.filter((b) => b !== 'cpu');
  const backends = search['backend'] ?? (faster.length > 0 ? faster : installed);
  if (backends.length > 1) add('engine.backend', backends);
  if (search['threads']) add('engine.threads', search['threads']);
  const logEvery = config.monitoring?.log_every ?? 20;
  if (logEvery < QUIET_LOG_EVERY) add('monitoring.log_every', [logEvery, QUIET_LOG_EVERY]);

  const fixed: Record<string, ParamValue> = { 'monitoring.profiling.enabled': false };
  if (config.monitoring?.checkpoints?.every !== undefined) fixed['monitoring.checkpoints.every'] = NEVER;
  if (config.training.validation_every !== undefined) fixed['training.validation_every'] = NEVER;
  return { batchSizes, grid, fixed };
}

/** `from`, 2·from, 4·from… up to `max` (at least `from`). */
function doubling(from: number, max: number): number[] {
  const sizes = [from];
  while (sizes.at(-1)! * 2 <= max) sizes.push(sizes.at(-1)! * 2);
  return sizes;
}

/** Every combination of the grid's values (the first value of each dimension first). */
export function gridPoints(grid: readonly Dimension[]): Params[] {
  let points: Array<Record<string, ParamValue>> = [{}];
  for (const dim of grid) points = points.flatMap((p) => dim.values.map((v) => ({ ...p, [dim.path]: v })));
  return points;
}
