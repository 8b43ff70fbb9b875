import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { effectiveSwitches } from '../../config/levels';
import type { TrainConfig } from '../../config/types';
import { MAX_CONFIG_BYTES } from '../../config/parse';
import { validateConfigText } from '../../config/validate';
import { FileRuleError, readBoundedText, resolveInside } from '../../files/safeFiles';
import type { RunOptions } from '../../protocol/engine';
import type { EnvironmentReport } from '../../protocol/types';
import { selectBackend } from '../backends/select';
import { BatchIterator } from '../data/batches';
import { loadData, type LoadedData } from '../data/load';
import { ModuleBatches } from '../data/module';
import { PreparedBatches } from '../data/prepared';
import type { BatchSource } from '../data/source';
import { DataError } from '../data/tabular';
import { loadSavedModel } from '../model/load';
import { buildModel } from '../model/build';
import { configHash, listCheckpoints, readCheckpointState } from './checkpoint';
import { RunInputError } from './failure';
import { tryReadRunRecord } from '../../runStore/readRunRecord';
import { refuseHopelessRun } from './memoryGate';
import { createRunStore, latestResumableRun, newRunId, reopenRunStore, type RunStore } from './runStore';

/** What {@link prepare} needs from the engine. */
export interface PrepareContext {
  readonly engineDir: string;
  readonly environment: EnvironmentReport;
}

/** The backend, model, data and step count a run trains with. */
export type Prepared = Awaited<ReturnType<typeof prepare>>;

/** Reads and validates the config; errors name the file, line and column. */
export function loadConfig(configPath: string): TrainConfig {
  let text: string;
  try {
    text = readBoundedText(configPath, 'the config', MAX_CONFIG_BYTES);
  } catch (error) {
    const reason = error instanceof FileRuleError ? error.reason : (error as Error).message;
    throw new RunInputError(`cannot read the config: ${reason}`, configPath);
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

/** A run store, the checkpoints folder inside it, and the checkpoint `--resume` continues from. */
export interface OpenedStore {
  readonly store: RunStore;
  /** `monitoring.checkpoints.dir`, resolved inside the run directory through real paths. */
  readonly checkpointsDir: string;
  readonly resumeFrom?: string;
  /** Said to the user when the run starts: a resumed run with no checkpoint starts again from step 0. */
  readonly note?: string;
}

/** Opens the run store: a new run directory, or the one `--resume` continues (with its newest checkpoint). */
export function openStore(request: RunOptions, config: TrainConfig, configPath: string): OpenedStore {
  const hash = configHash(config);
  const runsDir = request.outDir ? resolve(request.outDir) : join(dirname(configPath), '.trainlens', 'runs');
  const setting = config.monitoring?.checkpoints?.dir ?? 'checkpoints';
  if (request.resume !== undefined) {
    const runDir = request.resume === 'latest' ? latestResumableRun(runsDir, setting) : resolve(request.resume);
    if (!runDir)
      throw new RunInputError(
        `--resume latest: no run under ${runsDir} has a checkpoint to continue from.`,
        configPath,
      );
    const checkpointsDir = checkpointsInside(runDir, setting, configPath);
    const checkpoints = listCheckpoints(checkpointsDir);
    if (checkpoints.length === 0) return restartFromScratch(runDir, checkpointsDir, hash, setting, configPath);
    const checkpoint = join(checkpointsDir, checkpoints.at(-1)!);
    const state = readCheckpointState(checkpoint);
    if (state.configHash !== hash) {
      throw new RunInputError(
        `--resume: the config changed since ${runDir} was checkpointed; resuming needs the same config (start a new run instead).`,
        configPath,
      );
    }
    return { store: reopenRunStore(runDir, state.step), checkpointsDir, resumeFrom: checkpoint };
  }
  // Checked before the run directory is created, so a refused setting leaves nothing behind.
  const id = newRunId();
  const checkpointsDir = checkpointsInside(join(runsDir, id), setting, configPath);
  return { store: createRunStore(runsDir, id), checkpointsDir };
}

/**
 * A run killed before its first checkpoint (with default settings: any kill before the end, under ten minutes)
 * resumes by training again from step 0 in the same folder: on the cpu backend its losses then equal an
 * uninterrupted run's. Only a TrainLens run of this same config is restarted; anything else is refused.
 */
function restartFromScratch(
  runDir: string,
  checkpointsDir: string,
  hash: string,
  setting: string,
  configPath: string,
): OpenedStore {
  const record = tryReadRunRecord(runDir);
  if (!record || configHash(record.config) !== hash)
    throw new RunInputError(
      record
        ? `--resume: ${runDir} has no checkpoint in ${setting}/ and was run with another config; start a new run instead.`
        : `--resume: ${runDir} is not a TrainLens run (no readable run.json).`,
      configPath,
    );
  // The memory samples of the killed attempt would overlay the new ones on the same clock.
  rmSync(join(runDir, 'memory.jsonl'), { force: true });
  return {
    store: reopenRunStore(runDir, 0),
    checkpointsDir,
    note: `resume: ${runDir} has no checkpoint yet (it ended before its first one), so it trains again from step 0`,
  };
}

/**
 * `monitoring.checkpoints.dir` resolved inside the run directory through real paths: neither `..` nor a symlink may
 * lead out, since checkpoints are pruned there (validate reports the `..` case on the value already).
 */
function checkpointsInside(runDir: string, setting: string, configPath: string): string {
  try {
    return resolveInside(runDir, setting, 'monitoring.checkpoints.dir');
  } catch (error) {
    if (!(error instanceof FileRuleError)) throw error;
    throw new RunInputError(error.message, configPath, 'monitoring.checkpoints.dir');
  }
}

/** Selects the backend, loads the data and builds the model. */
export async function prepare(request: RunOptions, config: TrainConfig, configPath: string, context: PrepareContext) {
  const backend = await selectBackend({
    requested: request.backend ?? config.engine?.backend ?? 'auto',
    environment: context.environment,
    engineDir: context.engineDir,
    ...(config.engine?.threads !== undefined ? { threads: config.engine.threads } : {}),
  });
  // Before the model exists: a step predicted over the memory would only end out of memory, after allocating it all.
  if (!request.force) refuseHopelessRun(config, context.environment, backend.name, configPath);
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
