import { existsSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { percentile, sortedNumbers } from '../../common/stats';
import { effectiveSwitches } from '../../config/levels';
import type { TrainConfig } from '../../config/types';
import { validateConfigText } from '../../config/validate';
import type { EnvironmentReport, RunSummary } from '../../protocol/types';
import { selectBackend, type RequestedBackend } from '../backends/select';
import { GpuSampler } from '../environment/gpuSampler';
import { BatchIterator } from '../data/batches';
import { ModuleBatches } from '../data/module';
import { PreparedBatches } from '../data/prepared';
import type { BatchSource } from '../data/source';
import { loadData, type LoadedData } from '../data/load';
import { DataError } from '../data/tabular';
import { buildModel } from '../model/build';
import { loadSavedModel } from '../model/load';
import { runLoop, type LoopHooks, type LoopResult } from '../train/loop';
import { RUN_PHASES } from '../../protocol/runPhases';
import { StepProfiler } from '../train/stepProfiler';
import { MemoryMonitor, type MemoryEvent, type MemorySample } from '../train/memoryMonitor';
import { configHash, listCheckpoints, readCheckpoint, readCheckpointState } from './checkpoint';
import { createRunRecord, gitCommit, latestResumableRun, reopenRunRecord, type RunRecord } from './runStore';

/** A problem with the user's input, reported with the file and place (never a stack trace). */
export class RunInputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

/** Steps after the profiling window whose kernels are timed with tf.profile (`monitoring.profiling.kernel_sampling`). */
const KERNEL_SAMPLED_STEPS = 3;

/** What to run. */
export interface RunRequest {
  readonly configPath: string;
  readonly outDir?: string;
  readonly steps?: number;
  readonly epochs?: number;
  readonly backend?: RequestedBackend;
  /** A run directory to continue from its newest checkpoint, or `latest`. */
  readonly resume?: string;
  /** Record the steps' phases into trace.json (also on with `monitoring.profiling.enabled`). */
  readonly profile?: boolean;
  /** Measure the steps after this many into run.json's `timing.measured` (tuning trials). */
  readonly measureAfter?: number;
}

/** Where the engine runs and what it found at start-up. */
export interface RunContext {
  readonly engineDir: string;
  readonly environment: EnvironmentReport;
  readonly hooks?: LoopHooks;
  /** Memory samples and memory events (thresholds, leaks, actions) as they happen. */
  readonly onMemorySample?: (sample: MemorySample) => void;
  readonly onMemoryEvent?: (event: MemoryEvent | { kind: 'action'; step?: number; message: string }) => void;
  /** The nvidia-smi executable for GPU sampling (default `nvidia-smi`; tests give a stand-in: no GPU exists there). */
  readonly nvidiaSmi?: string;
  /** One-line reports meant for the user: the model and backend chosen, optimizations that are not available. */
  readonly onInfo?: (message: string) => void;
  /** Called once the run directory exists. */
  readonly onStarted?: (runId: string, runDir: string) => void;
}

/** Reads and validates the config; errors name the file, line and column. */
function loadConfig(configPath: string): TrainConfig {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    throw new RunInputError(`cannot read the config: ${(error as Error).message}`, configPath);
  }
  const result = validateConfigText(text, { configPath, fileExists: existsSync });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !result.config) {
    const first = errors[0];
    throw new RunInputError(
      first
        ? `${first.range.start.line}:${first.range.start.column}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more; run "trainlens validate")` : ''}`
        : 'the config is not valid',
      configPath,
      first?.path,
    );
  }
  return result.config;
}

/**
 * One training run from a config file: validates it, picks the backend, builds the model and data, trains, and
 * keeps the run record (run.json, metrics.jsonl) up to date. Resolves with the contract's summary.
 */
/**
 * The steps after `after` (a trial's warm-up): how many, samples per second over their own time (no start-up, no
 * warm-up), and the step-time median and 90th percentile. Null when no step was measured.
 */
export function measuredTiming(
  result: Pick<LoopResult, 'stepTimesMs' | 'samplesPerStep'>,
  after: number,
): { steps: number; samplesPerSec: number; p50StepMs: number; p90StepMs: number } | null {
  const times = result.stepTimesMs.slice(after);
  if (times.length === 0) return null;
  const sorted = sortedNumbers(times);
  const total = times.reduce((a, b) => a + b, 0);
  return {
    steps: times.length,
    samplesPerSec: total > 0 ? round3((times.length * result.samplesPerStep * 1000) / total) : 0,
    p50StepMs: round3(percentile(sorted, 50)),
    p90StepMs: round3(percentile(sorted, 90)),
  };
}

export async function runTraining(request: RunRequest, context: RunContext): Promise<RunSummary> {
  const configPath = resolve(request.configPath);
  const config = loadConfig(configPath);
  const { record, resumeFrom } = openRecord(request, config, configPath);
  context.onStarted?.(record.id, record.dir);
  const startedAt = new Date().toISOString();
  record.writeRunJson({ id: record.id, configPath, config, enginePid: process.pid, startedAt, status: 'starting' });

  // From here on a failure (data, backend, model) leaves a run record that says why.
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(request, config, configPath, context);
  } catch (error) {
    record.writeRunJson({
      id: record.id,
      configPath,
      config,
      enginePid: process.pid,
      startedAt,
      status: 'failed',
      finishedAt: new Date().toISOString(),
      reason: (error as Error).message,
    });
    throw error;
  }
  const { backend, validation, batches, totalSteps, model, unavailable, pipeline } = prepared;
  // Checkpoint tensors are created only now that the backend is ready.
  const resume = resumeFrom ? readCheckpoint(resumeFrom) : undefined;
  const hash = configHash(config);
  const checkpointsDir = config.monitoring?.checkpoints?.dir ?? 'checkpoints';
  const runJson = {
    id: record.id,
    configPath,
    config,
    resolved: {
      backend: backend.name,
      backendVersion: backend.version,
      skippedBackends: backend.skipped,
      optimization: effectiveSwitches(config.optimization),
      unavailableOptimizations: unavailable,
      dataPipeline: { ...pipeline, streamed: batches.stepsPerEpoch === undefined },
      totalSteps,
      parameters: model.countParams(),
    },
    environment: { ...context.environment, tfjs: tf.version, git: gitCommit(configPath) ?? null },
    enginePid: process.pid,
    startedAt,
    ...(resume ? { resumedFromStep: resume.state.step } : {}),
    status: 'running',
  };
  record.writeRunJson(runJson);
  // The first clause of each reason; run.json and `trainlens doctor` have the whole of it.
  const skippedText = backend.skipped.map((b) => `${b.name}: ${b.reason.split(/[,;(]/)[0]!.trim()}`).join('; ');
  context.onInfo?.(
    `model: ${config.model.path ? `saved model ${config.model.path}` : (config.model.preset ?? 'layers')}, ${model.countParams().toLocaleString('en-US')} parameters; ` +
      `backend ${backend.name}${skippedText ? ` (skipped ${skippedText})` : ''}; ${totalSteps} steps`,
  );
  for (const message of unavailable) context.onInfo?.(`not applied: ${message}`);

  const switches = effectiveSwitches(config.optimization);
  const events: Array<{ kind: string; step?: number; message: string }> = [];
  const profiling = config.monitoring?.profiling;
  const profiler =
    request.profile || profiling?.enabled
      ? new StepProfiler(
          profiling?.warmup_steps ?? 5,
          (profiling?.warmup_steps ?? 5) + (profiling?.steps ?? 20),
          performance.now(),
          profiling?.kernel_sampling === false ? 0 : KERNEL_SAMPLED_STEPS,
        )
      : undefined;
  const intervalMs = config.monitoring?.memory_interval_ms ?? 500;
  const gpuSampler = new GpuSampler(context.environment.gpus.length, intervalMs, context.nvidiaSmi);
  const memory = new MemoryMonitor({
    gpu: () => gpuSampler.latest(),
    intervalMs,
    ...(profiler ? { sampleStep: (step: number) => profiler.records(step) } : {}),
    limitBytes: config.engine?.memory_limit_mb !== undefined ? config.engine.memory_limit_mb * 1024 * 1024 : totalmem(),
    warnAt: switches.memory?.warn_at ?? 0.9,
    actAt: switches.memory?.act_at ?? 0.95,
    onSample: (sample) => {
      record.appendMemory(sample);
      context.onMemorySample?.(sample);
    },
    onEvent: (event) => {
      events.push(event);
      context.onMemoryEvent?.(event);
    },
  });
  const writeTrace = () => {
    if (!profiler) return;
    const kernels = profiler.kernelTable();
    record.writeTrace({
      traceEvents: profiler.traceEvents(),
      displayTimeUnit: 'ms',
      trainlens: {
        runId: record.id,
        backend: backend.name,
        phases: RUN_PHASES,
        configPath,
        kernelSampledSteps: kernels.steps,
        kernels: kernels.kernels,
      },
    });
  };
  try {
    const result = await runLoop({
      ...(profiler ? { profiler } : {}),
      memory,
      onMemoryAction: (message) => {
        events.push({ kind: 'action', message });
        context.onMemoryEvent?.({ kind: 'action', message });
      },
      config,
      model,
      batches,
      ...(validation ? { validation } : {}),
      totalSteps,
      checkpoints: {
        dir: join(record.dir, checkpointsDir),
        ...(config.monitoring?.checkpoints?.every ? { every: config.monitoring.checkpoints.every } : {}),
        keep: Math.max(1, config.monitoring?.checkpoints?.keep ?? 3),
        configHash: hash,
        ...(config.monitoring?.checkpoints?.best_metric
          ? {
              bestMetric: config.monitoring.checkpoints.best_metric,
              bestMode: config.monitoring.checkpoints.mode ?? 'min',
            }
          : {}),
      },
      ...(resume ? { resume } : {}),
      hooks: {
        ...context.hooks,
        onMetrics: (row) => {
          record.appendMetrics(row);
          context.hooks?.onMetrics?.(row);
        },
      },
    });
    writeTrace();
    const waits = [...result.dataWaitMs].sort((a, b) => a - b);
    const stepMs = result.stepTimesMs.reduce((a, b) => a + b, 0);
    const timing = {
      meanStepMs: result.stepTimesMs.length ? round3(stepMs / result.stepTimesMs.length) : null,
      meanDataWaitMs: waits.length ? round3(waits.reduce((a, b) => a + b, 0) / waits.length) : null,
      medianDataWaitMs: waits.length ? round3(waits[Math.floor(waits.length / 2)]!) : null,
      dataWaitShare: stepMs > 0 ? round3(waits.reduce((a, b) => a + b, 0) / stepMs) : null,
      ...(request.measureAfter !== undefined ? { measured: measuredTiming(result, request.measureAfter) } : {}),
    };
    const summary: RunSummary = {
      runDir: record.dir,
      backend: backend.name,
      status: result.status,
      steps: result.steps,
      samplesPerSec: Math.round(result.samplesPerSec * 10) / 10,
      peakMemoryBytes: result.peakTensorBytes,
      finalLoss: result.finalLoss,
    };
    record.writeRunJson({
      ...runJson,
      events,
      timing,
      status: result.status,
      finishedAt: new Date().toISOString(),
      summary,
      ...(result.reason ? { reason: result.reason } : {}),
    });
    return summary;
  } catch (error) {
    writeTrace();
    record.writeRunJson({
      ...runJson,
      status: 'failed',
      finishedAt: new Date().toISOString(),
      reason: (error as Error).message,
    });
    throw error;
  } finally {
    gpuSampler.stop();
    await batches.dispose();
    // After an out-of-memory error the backend's heap may be unusable; freeing must not hide the run's own error.
    try {
      model.dispose();
      for (const t of resume?.tensors.values() ?? []) t.dispose();
    } catch {
      // nothing more to free: the engine process ends with the run's error
    }
  }
}

/** Opens the run record: a new run directory, or the one `--resume` continues (with its newest checkpoint). */
function openRecord(
  request: RunRequest,
  config: TrainConfig,
  configPath: string,
): { record: RunRecord; resumeFrom?: string } {
  const hash = configHash(config);
  const runsDir = request.outDir ? resolve(request.outDir) : join(dirname(configPath), '.trainlens', 'runs');
  const checkpointsDir = config.monitoring?.checkpoints?.dir ?? 'checkpoints';
  if (request.resume !== undefined) {
    const runDir = request.resume === 'latest' ? latestResumableRun(runsDir, checkpointsDir) : resolve(request.resume);
    if (!runDir)
      throw new RunInputError(
        `--resume latest: no run under ${runsDir} has a checkpoint to continue from.`,
        configPath,
      );
    const checkpoints = listCheckpoints(join(runDir, checkpointsDir));
    if (checkpoints.length === 0)
      throw new RunInputError(`--resume: ${runDir} has no checkpoint in ${checkpointsDir}/.`, configPath);
    const checkpoint = join(runDir, checkpointsDir, checkpoints.at(-1)!);
    const state = readCheckpointState(checkpoint);
    if (state.configHash !== hash) {
      throw new RunInputError(
        `--resume: the config changed since ${runDir} was checkpointed; resuming needs the same config (start a new run instead).`,
        configPath,
      );
    }
    return { record: reopenRunRecord(runDir, state.step), resumeFrom: checkpoint };
  }
  return { record: createRunRecord(runsDir) };
}

/** Selects the backend, loads the data and builds the model. */
async function prepare(request: RunRequest, config: TrainConfig, configPath: string, context: RunContext) {
  const backend = await selectBackend({
    requested: request.backend ?? config.engine?.backend ?? 'auto',
    environment: context.environment,
    engineDir: context.engineDir,
    ...(config.engine?.threads !== undefined ? { threads: config.engine.threads } : {}),
  });
  const seed = config.training.seed ?? 42;
  const task = config.data.task ?? 'classification';
  // A saved model brings its own input shape and outputs; synthetic data follows them.
  let model: tf.LayersModel;
  try {
    model = config.model.path
      ? await loadSavedModel(resolve(dirname(configPath), config.model.path))
      : buildModel(config.model, { task }, seed);
  } catch (error) {
    throw new RunInputError((error as Error).message, configPath, 'model');
  }
  const inputShape = config.model.input_shape ?? (model.inputs[0]!.shape.slice(1) as number[]);
  const outputs = config.model.outputs ?? (model.outputs[0]!.shape.at(-1) as number);
  const shaped: TrainConfig = { ...config, model: { ...config.model, input_shape: inputShape, outputs } };
  let loaded: LoadedData;
  try {
    loaded = await loadData(shaped, configPath, config.data.seed ?? seed);
  } catch (error) {
    if (error instanceof DataError)
      throw new RunInputError(
        error.line !== undefined ? `line ${error.line}: ${error.detail}` : error.detail,
        error.file,
        'data',
      );
    throw error;
  }
  const { validation } = loaded;
  const switches = effectiveSwitches(config.optimization);
  // Explicit settings win: optimization.prefetch/workers, then data.prefetch/workers, then the level's.
  const prefetch = config.optimization?.prefetch ?? config.data.prefetch ?? switches.prefetch ?? 0;
  const workers = config.optimization?.workers ?? config.data.workers ?? switches.workers ?? 0;
  const unavailable: string[] = [];
  if (switches.mixed_precision && backend.name !== 'tensorflow-gpu')
    unavailable.push(
      `mixed precision: not available on backend ${backend.name} (float16 compute needs the GPU backend)`,
    );
  if (switches.activation_checkpointing)
    unavailable.push(
      'activation checkpointing: not available in TF.js (its gradient tape cannot recompute activations); activations are kept',
    );
  const accumulation = config.training.gradient_accumulation ?? 1;
  const epochs = request.epochs ?? config.training.epochs ?? 1;
  let batches: BatchSource;
  let totalSteps: number;
  if (loaded.stream) {
    const steps = request.steps ?? config.training.steps;
    if (steps === undefined)
      throw new RunInputError(
        'data.source: module streams its dataset (data.cache: false), so the steps per epoch are unknown: set training.steps, or data.cache: true to read the dataset once into memory.',
        configPath,
        'training.steps',
      );
    if (workers > 0)
      unavailable.push(
        `data workers (${workers}): not used for a streamed data module: its tf.data pipeline runs on the training thread; set data.cache: true to prepare batches in workers`,
      );
    batches = new ModuleBatches(
      loaded.stream.dataset,
      config.data.batch_size,
      loaded.stream.shape,
      prefetch,
      loaded.stream.modulePath,
    );
    totalSteps = steps;
  } else {
    const iterator = new BatchIterator(
      loaded.train,
      config.data.batch_size,
      config.data.shuffle ?? true,
      config.data.seed ?? seed,
    );
    totalSteps =
      request.steps ??
      config.training.steps ??
      Math.max(1, Math.floor((epochs * iterator.stepsPerEpoch) / accumulation));
    batches = new PreparedBatches(iterator, { prefetch, workers });
  }
  return { backend, validation, batches, totalSteps, model, unavailable, pipeline: { prefetch, workers } };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
