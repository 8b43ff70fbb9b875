import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EngineClient } from '../../engineClient/engineClient';
import { inspectOnnxModel, measureOnnxModel } from '../../engineClient/onnxRequests';
import { OnnxError } from '../../engineClient/onnxError';
import { makeDirectory } from '../../files/safeFiles';
import type { OnnxLatency, OnnxSessionOptions, OnnxTrial, OnnxTuning } from '../../protocol/onnx';
import type { OnnxHooks, OnnxTuneRequest } from '../../onnx/types';
import { clearlyBetter } from '../session';
import { applyPatch, onnxDimensions, prunedBecause, sameOptions } from './space';
import { jsOptions, sessionSnippet } from './snippet';

/** Runs per search trial and per side-by-side round, and warm-up runs before each. */
const TRIAL_RUNS = 20;
const CONFIRM_RUNS = 30;
const WARMUP = 3;
/** Side-by-side rounds of default and best, alternating which goes first. */
const CONFIRM_ROUNDS = 4;
/** How much faster the best must be, side by side, to be proposed over ORT's defaults. */
const CONFIRM_MARGIN = 0.05;
/** Share of the budget kept for the side-by-side confirmation. */
const CONFIRM_SHARE = 0.3;
/** Batch sizes the throughput objective tries when the batch dim is symbolic. */
const BATCHES = [1, 2, 4, 8, 16, 32, 64, 128];
/** The file the best settings are written to in the output folder. */
export const OPTIONS_FILE = 'session-options.json';

/** One tuning in progress: the trials so far, the clock, and how trials are measured. */
class OnnxSearch {
  readonly trials: OnnxTrial[] = [];
  readonly started = performance.now();
  stoppedBy: OnnxTuning['stoppedBy'] = 'done';

  constructor(
    readonly client: EngineClient,
    readonly request: OnnxTuneRequest,
    readonly hooks: OnnxHooks,
    readonly cores: number,
  ) {}

  /** Milliseconds of the budget left for the search (the confirmation's share kept aside). */
  searchLeft(): number {
    return this.request.budgetMs * (1 - CONFIRM_SHARE) - (performance.now() - this.started);
  }

  /** Whether the search must stop before another trial (cancelled, or its share of the budget spent). */
  overBudget(): boolean {
    if (this.hooks.signal?.aborted) this.stoppedBy = 'cancelled';
    else if (this.searchLeft() <= 0) this.stoppedBy = 'budget';
    else return false;
    return true;
  }

  score(trial: OnnxTrial): number {
    if (trial.status !== 'ok' || !trial.latencyMs) return 0;
    return this.request.objective === 'throughput'
      ? trial.latencyMs.throughput
      : 1 / Math.max(1e-9, trial.latencyMs.p50);
  }

  /** Measures (or prunes) one combination and records it. */
  async trial(
    options: OnnxSessionOptions,
    batch: number | undefined,
    runs = TRIAL_RUNS,
    budgetMs?: number,
  ): Promise<OnnxTrial> {
    const id = this.trials.length + 1;
    const reason = prunedBecause(options, this.cores);
    if (reason) return this.record({ id, options, ...(batch ? { batch } : {}), status: 'pruned', reason });
    try {
      const result = await measureOnnxModel(
        this.client,
        {
          modelPath: this.request.modelPath,
          session: options,
          inputs: this.request.inputs,
          ...(batch ? { batch } : {}),
          warmup: WARMUP,
          runs,
          ...(budgetMs !== undefined ? { budgetMs } : {}),
        },
        this.hooks.signal ? { signal: this.hooks.signal } : {},
      );
      return this.record({ id, options, ...(batch ? { batch } : {}), latencyMs: result.latency, status: 'ok' });
    } catch (error) {
      if (error instanceof OnnxError && error.kind === 'cancelled') throw error;
      const message = error instanceof Error ? error.message : String(error);
      return this.record({ id, options, ...(batch ? { batch } : {}), status: 'failed', reason: message });
    }
  }

  private record(trial: OnnxTrial): OnnxTrial {
    this.trials.push(trial);
    const latency = trial.latencyMs ? ` p50 ${trial.latencyMs.p50.toFixed(3)} ms` : '';
    this.hooks.onMessage?.(
      `tune: trial ${trial.id} ${describe(trial.options, trial.batch)}: ${trial.status}${latency}`,
    );
    this.hooks.onProgress?.(Math.min(0.7, (performance.now() - this.started) / this.request.budgetMs));
    return trial;
  }
}

/** Settings as a short line: what differs from ORT's defaults. */
export function describe(options: OnnxSessionOptions, batch?: number): string {
  const parts = Object.entries(options)
    .filter(([key]) => key !== 'provider')
    .map(([key, value]) => `${key}=${String(value)}`);
  return `${options.provider}${parts.length ? ` ${parts.join(' ')}` : ' defaults'}${batch ? ` batch=${batch}` : ''}`;
}

/**
 * Finds faster ONNX Runtime session settings with measured trials, each a fresh session in the engine:
 *
 * 1. ORT's defaults (on the requested provider), measured;
 * 2. a coordinate search over the settings of {@link onnxDimensions}: each choice of one setting measured on the
 *    best so far and kept when it is clearly better (by the tuner's noise margin); invalid combinations pruned;
 * 3. for throughput with a symbolic batch dim, batch sizes doubled while throughput improves;
 * 4. the best and the defaults re-measured side by side in alternating rounds: the best is proposed only when it
 *    is faster there, so the result is never slower than the defaults.
 */
export async function tuneOnnx(
  client: EngineClient,
  request: OnnxTuneRequest,
  hooks: OnnxHooks = {},
): Promise<OnnxTuning> {
  const inspected = await inspectOnnxModel(client, { modelPath: request.modelPath });
  const search = new OnnxSearch(client, request, hooks, inspected.cores);
  const defaults: OnnxSessionOptions = { provider: request.session.provider };
  const batchDim = inspected.summary.inputs[0]?.shape[0];
  const first = inspected.summary.inputs[0]?.name ?? '';
  const tunesBatch =
    request.objective === 'throughput' && typeof batchDim === 'string' && !request.inputs.shapes?.[first];
  // The batch search starts from the user's own size for that dim (`--dim batch=8`), else 1.
  const startBatch = tunesBatch ? (request.inputs.dims?.[batchDim] ?? 1) : undefined;
  const baseline = await search.trial(defaults, startBatch);
  if (baseline.status !== 'ok')
    throw new OnnxError(`${request.modelPath}: ${baseline.reason ?? 'the default session failed'}`, 'session');
  let best = baseline;
  for (const dimension of onnxDimensions(inspected.cores, inspected.providers)) {
    for (const patch of dimension.choices) {
      const options = applyPatch(best.options, patch);
      if (sameOptions(options, best.options)) continue;
      if (search.overBudget()) break;
      const trial = await search.trial(options, best.batch, TRIAL_RUNS, Math.max(500, search.searchLeft()));
      if (clearlyBetter(search.score(trial), search.score(best))) best = trial;
    }
  }
  if (tunesBatch) best = await searchBatch(search, best);
  const confirmed = await sideBySide(search, baseline, best);
  hooks.onProgress?.(1);
  const snippet = sessionSnippet(basename(request.modelPath), confirmed.best.options);
  let optionsFile: string | undefined;
  if (request.outDir) {
    optionsFile = join(makeDirectory(request.outDir, 'the ONNX output folder'), OPTIONS_FILE);
    writeFileSync(optionsFile, `${JSON.stringify(jsOptions(confirmed.best.options), null, 2)}\n`);
  }
  return {
    objective: request.objective,
    default: confirmed.baseline,
    best: confirmed.best,
    speedup: confirmed.speedup,
    trials: search.trials,
    snippet,
    ...(optionsFile ? { optionsFile } : {}),
    stoppedBy: search.stoppedBy,
  };
}

/** Throughput: the batch doubled from the best's while throughput improves clearly (two misses end it). */
async function searchBatch(search: OnnxSearch, start: OnnxTrial): Promise<OnnxTrial> {
  let best = start;
  let misses = 0;
  for (const batch of BATCHES.filter((b) => b > (start.batch ?? 1))) {
    if (search.overBudget()) break;
    const trial = await search.trial(best.options, batch, TRIAL_RUNS, Math.max(500, search.searchLeft()));
    if (trial.status !== 'ok') break;
    if (clearlyBetter(search.score(trial), search.score(best))) {
      best = trial;
      misses = 0;
    } else if (++misses >= 2) break;
  }
  return best;
}

/**
 * Defaults and best measured in alternating rounds; each side's median round decides. The best stands only when
 * it is clearly better there; otherwise the defaults are the answer (speedup 1).
 */
async function sideBySide(search: OnnxSearch, baseline: OnnxTrial, best: OnnxTrial) {
  if (best === baseline || search.hooks.signal?.aborted) return { baseline, best: baseline, speedup: 1 };
  search.hooks.onMessage?.(`tune: ${describe(best.options, best.batch)} against the defaults, side by side`);
  const rounds: { a: OnnxLatency[]; b: OnnxLatency[] } = { a: [], b: [] };
  for (let round = 0; round < CONFIRM_ROUNDS; round++) {
    const order = round % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const side of order) {
      const trial = side === 'a' ? baseline : best;
      const result = await search.trial(trial.options, trial.batch, CONFIRM_RUNS);
      if (result.status !== 'ok' || !result.latencyMs) return { baseline, best: baseline, speedup: 1 };
      rounds[side].push(result.latencyMs);
    }
  }
  const throughput = search.request.objective === 'throughput';
  const median = (list: OnnxLatency[]) =>
    [...list].sort((x, y) => (throughput ? y.throughput - x.throughput : x.p50 - y.p50))[Math.floor(list.length / 2)]!;
  const a = median(rounds.a);
  const b = median(rounds.b);
  const speedup = throughput ? b.throughput / Math.max(1e-9, a.throughput) : a.p50 / Math.max(1e-9, b.p50);
  const remeasuredBaseline = { ...baseline, latencyMs: a };
  if (speedup <= 1 + CONFIRM_MARGIN) return { baseline: remeasuredBaseline, best: remeasuredBaseline, speedup: 1 };
  return { baseline: remeasuredBaseline, best: { ...best, latencyMs: b }, speedup };
}
