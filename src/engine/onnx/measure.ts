import { onnxFail } from './fail';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { OnnxMeasureRequest } from '../../protocol/engine';
import type { OnnxLatency } from '../../protocol/onnx';
import { latencyOf } from './latency';
import { makeFeeds, type Feeds } from './feeds';
import { checkRunnable, readOnnxModel } from './modelFile';
import { keepMeasuredRuns, ORT_PROFILE_PREFIX } from './profileFile';
import { providersOf, type OrtModule } from './runtime';
import { fromOrtError } from './sessionErrors';
import { toOrtOptions } from './sessionOptions';
import type { InputMeta } from './shapes';

/** What a measurement reports back while it runs, and how it learns it was cancelled. */
export interface MeasureHooks {
  readonly progress: (phase: 'load' | 'warmup' | 'measure' | 'release', done: number, total: number) => void;
  readonly cancelled: () => boolean;
}

/** The fewest runs measured, even when the budget is spent. */
const MIN_RUNS = 3;

/**
 * Measures one fresh session: the model file checked, the provider checked, the session created with the asked
 * settings, inputs made, warm-up runs discarded, then rounds of measured runs (a noisy round is measured again),
 * the session released (ORT writes its profile then) and the profile cut to the measured runs.
 */
export async function measureModel(
  ort: OrtModule,
  params: OnnxMeasureRequest.Params,
  hooks: MeasureHooks,
): Promise<OnnxMeasureRequest.Result> {
  const { modelPath, session: options } = params;
  checkRunnable(readOnnxModel(modelPath), options.provider);
  checkProvider(ort, options.provider, modelPath);
  hooks.progress('load', 0, 1);
  const created = performance.now();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(
      modelPath,
      toOrtOptions(options, params.profileDir ? { profilePrefix: join(params.profileDir, ORT_PROFILE_PREFIX) } : {}),
    );
  } catch (error) {
    throw fromOrtError(error, modelPath, options.provider, 'load');
  }
  const sessionCreateMs = performance.now() - created;
  let latency;
  let feeds: Feeds;
  try {
    feeds = makeFeeds(ort, inputsOf(session, modelPath), params.inputs, modelPath, params.batch);
    const batch = feeds.info[0]?.shape[0] ?? 1;
    await runTimes(session, feeds, params.warmup, Infinity, 'warmup', params, hooks);
    latency = await measureRounds(session, feeds, batch, params, hooks);
  } finally {
    hooks.progress('release', 0, 1);
    await session.release();
  }
  const profileFile = params.profileDir ? keepMeasuredRuns(params.profileDir, params.warmup) : undefined;
  return { latency, feeds: feeds.info, sessionCreateMs, ...(profileFile ? { profileFile } : {}) };
}

async function measureRounds(
  session: InferenceSession,
  feeds: Feeds,
  batch: number,
  params: OnnxMeasureRequest.Params,
  hooks: MeasureHooks,
): Promise<OnnxLatency> {
  const maxRounds = Math.max(1, params.maxRounds ?? 1);
  let best: OnnxLatency | undefined;
  let rounds = 0;
  while (rounds < maxRounds) {
    rounds++;
    const samples = await runTimes(session, feeds, params.runs, params.budgetMs ?? Infinity, 'measure', params, hooks);
    const latency = latencyOf(samples, batch, rounds);
    if (!best || latency.spread < best.spread) best = latency;
    if (latency.spread <= (params.noiseThreshold ?? Infinity)) break;
  }
  return { ...best!, rounds };
}

/** Runs the session `count` times (or until `budgetMs`, after at least {@link MIN_RUNS}); returns each run's ms. */
async function runTimes(
  session: InferenceSession,
  feeds: Feeds,
  count: number,
  budgetMs: number,
  phase: 'warmup' | 'measure',
  params: OnnxMeasureRequest.Params,
  hooks: MeasureHooks,
): Promise<number[]> {
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    if (hooks.cancelled())
      throw onnxFail('cancelled', `${params.modelPath}: the measurement was cancelled.`, params.modelPath);
    if (phase === 'measure' && i >= MIN_RUNS && performance.now() - started >= budgetMs) break;
    const t0 = performance.now();
    try {
      await session.run(feeds.tensors);
    } catch (error) {
      throw fromOrtError(error, params.modelPath, params.session.provider, 'run');
    }
    samples.push(performance.now() - t0);
    hooks.progress(phase, i + 1, count);
  }
  return samples;
}

function checkProvider(ort: OrtModule, provider: string, modelPath: string): void {
  const providers = providersOf(ort);
  const info = providers.find((p) => p.name === provider);
  if (info?.available) return;
  throw onnxFail(
    'provider',
    `${modelPath}: the ${provider} execution provider cannot be used here: ${info?.reason ?? `this ONNX Runtime build has no provider named '${provider}'`}.`,
    modelPath,
    provider,
    `Available here: ${providers
      .filter((p) => p.available)
      .map((p) => p.name)
      .join(', ')}. Use --provider cpu, or run 'trainlens doctor'.`,
  );
}

/** The session's inputs; a non-tensor input (a sequence or map) cannot be fed. */
export function inputsOf(session: InferenceSession, modelPath: string): InputMeta[] {
  return session.inputMetadata.map((meta) => {
    if (!meta.isTensor)
      throw onnxFail(
        'dtype',
        `${modelPath}: input '${meta.name}' is not a tensor (a sequence, map or optional), which TrainLens cannot feed.`,
        modelPath,
        meta.name,
        'Profile a model whose inputs are tensors, or wrap it so they are.',
      );
    return {
      name: meta.name,
      dtype: meta.type,
      shape: [...meta.shape].map((d) => (typeof d === 'number' && d < 0 ? '?' : d)),
    };
  });
}
