import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { defined } from '../../common/defined';
import { percentile, sortedNumbers } from '../../common/stats';
import { effectiveSwitches } from '../../config/levels';
import type { TrainConfig } from '../../config/types';
import type { RunOptions } from '../../protocol/engine';
import type { RunFailureInfo, RunTiming } from '../../protocol/runRecord';
import type { EnvironmentReport, RunSummary } from '../../protocol/types';
import { runLoop, type CheckpointPlan, type LoopHooks, type LoopResult } from '../train/loop';
import type { MemoryEvent, MemorySample } from '../train/memoryMonitor';
import { configHash, readCheckpoint } from './checkpoint';
import { failureOf } from './failure';
import { startMonitors, type RunMonitors } from './runMonitors';
import { RunRecordWriter } from './runRecordWriter';
import { loadConfig, openStore, prepare, type Prepared } from './runSetup';
import { gitCommit, type RunStore } from './runStore';

export { RunInputError } from './failure';

/** What to run: the protocol's run options, passed as they are. */
export type RunRequest = RunOptions;

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

/**
 * One training run from a config file: validates it, picks the backend, builds the model and data, trains, and
 * keeps the run record (run.json through {@link RunRecordWriter}, metrics.jsonl) up to date. Resolves with the
 * contract's summary; a failure after the run directory exists leaves a record that says why, by kind.
 */
export async function runTraining(request: RunRequest, context: RunContext): Promise<RunSummary> {
  const configPath = resolve(request.configPath);
  const config = loadConfig(configPath);
  const { store, checkpointsDir, resumeFrom, note } = openStore(request, config, configPath);
  context.onStarted?.(store.id, store.dir);
  if (note) context.onInfo?.(note);
  const record = new RunRecordWriter(store, { configPath, config });
  let prepared: Prepared;
  try {
    prepared = await prepare(request, config, configPath, context);
  } catch (error) {
    record.finish('failed', { failure: failureOf(error) });
    throw error;
  }
  // Checkpoint tensors are created only now that the backend is ready.
  const resume = resumeFrom ? readCheckpoint(resumeFrom) : undefined;
  recordResolved(record, prepared, config, context, resume?.state.step);
  reportStart(config, prepared, context);
  const trace = { backend: prepared.backend.name, configPath };
  const monitors = startMonitors(config, Boolean(request.profile), store, trace, {
    gpuCount: context.environment.gpus.length,
    ...defined({
      nvidiaSmi: context.nvidiaSmi,
      onMemorySample: context.onMemorySample,
      onMemoryEvent: context.onMemoryEvent,
    }),
  });
  let step = resume?.state.step ?? 0;
  try {
    const plan = checkpointPlan(config, checkpointsDir);
    const result = await train(config, prepared, { store, plan }, monitors, record, resume, context.hooks, (s) => {
      step = s;
    });
    monitors.writeTrace();
    const summary = summaryOf(store, prepared, result);
    record.finish(result.status, {
      events: monitors.events,
      timing: timingOf(result, request.measureAfter),
      summary,
      ...(result.failure
        ? { failure: result.failure }
        : result.status === 'stopped' && context.hooks?.forceStop?.()
          ? { failure: forcedStop(result.steps) }
          : result.reason
            ? { reason: result.reason }
            : {}),
    });
    return summary;
  } catch (error) {
    monitors.writeTrace();
    record.finish('failed', { events: monitors.events, failure: failureOf(error, step + 1) });
    throw error;
  } finally {
    monitors.stop();
    await prepared.batches.dispose();
    // After an out-of-memory error the backend's heap may be unusable; freeing must not hide the run's own error.
    try {
      prepared.model.dispose();
      for (const t of resume?.tensors.values() ?? []) t.dispose();
    } catch {
      // nothing more to free: the engine process ends with the run's error
    }
  }
}

/** Writes what the engine resolved (backend, pipeline, steps, parameters) and the environment into run.json. */
function recordResolved(
  record: RunRecordWriter,
  prepared: Prepared,
  config: TrainConfig,
  context: RunContext,
  resumedFromStep: number | undefined,
): void {
  const { backend, batches, totalSteps, model, unavailable, pipeline } = prepared;
  record.update({
    resolved: {
      backend: backend.name,
      ...(backend.version !== undefined ? { backendVersion: backend.version } : {}),
      skippedBackends: backend.skipped,
      optimization: effectiveSwitches(config.optimization),
      unavailableOptimizations: unavailable,
      dataPipeline: { ...pipeline, streamed: batches.stepsPerEpoch === undefined },
      totalSteps,
      parameters: model.countParams(),
    },
    environment: { ...context.environment, tfjs: tf.version, git: gitCommit(record.record.configPath) ?? null },
    ...(resumedFromStep !== undefined ? { resumedFromStep } : {}),
  });
}

/** The one-line start report: model, parameters, backend (with why faster ones were skipped), steps. */
function reportStart(config: TrainConfig, prepared: Prepared, context: RunContext): void {
  const { backend, model, totalSteps, unavailable } = prepared;
  // The first clause of each reason; run.json and `trainlens doctor` have the whole of it.
  const skippedText = backend.skipped.map((b) => `${b.name}: ${b.reason.split(/[,;(]/)[0]!.trim()}`).join('; ');
  context.onInfo?.(
    `model: ${config.model.path ? `saved model ${config.model.path}` : (config.model.preset ?? 'layers')}, ${model.countParams().toLocaleString('en-US')} parameters; ` +
      `backend ${backend.name}${skippedText ? ` (skipped ${skippedText})` : ''}; ${totalSteps} steps`,
  );
  for (const message of unavailable) context.onInfo?.(`not applied: ${message}`);
}

/** Runs the loop with the run's checkpoints, monitors and hooks; progress goes into the record's heartbeat. */
async function train(
  config: TrainConfig,
  prepared: Prepared,
  { store, plan }: { store: RunStore; plan: CheckpointPlan },
  monitors: RunMonitors,
  record: RunRecordWriter,
  resume: ReturnType<typeof readCheckpoint> | undefined,
  hooks: LoopHooks | undefined,
  onStep: (step: number) => void,
): Promise<LoopResult> {
  let traced = false;
  return runLoop({
    ...(monitors.profiler ? { profiler: monitors.profiler } : {}),
    memory: monitors.memory,
    onMemoryAction: monitors.onMemoryAction,
    config,
    model: prepared.model,
    batches: prepared.batches,
    ...(prepared.validation ? { validation: prepared.validation } : {}),
    totalSteps: prepared.totalSteps,
    checkpoints: plan,
    ...(resume ? { resume } : {}),
    hooks: {
      ...hooks,
      onProgress: (step, totalSteps, epoch, samplesPerSec) => {
        onStep(step);
        record.progress({ step, totalSteps, epoch });
        // The trace is complete once the profiling window and kernel sampling are over: write it then, so a run
        // killed later still has its profile.
        if (!traced && monitors.profiledUntil !== undefined && step >= monitors.profiledUntil) {
          traced = true;
          monitors.writeTrace();
        }
        hooks?.onProgress?.(step, totalSteps, epoch, samplesPerSec);
      },
      onMetrics: (row) => {
        store.appendMetrics(row);
        hooks?.onMetrics?.(row);
      },
    },
  });
}

/** Minutes of training time between time-based checkpoints when the config does not say. */
const DEFAULT_CHECKPOINT_MINUTES = 10;

/** Where and when the loop writes checkpoints: `monitoring.checkpoints` with its defaults. */
function checkpointPlan(config: TrainConfig, dir: string): CheckpointPlan {
  const checkpoints = config.monitoring?.checkpoints;
  const minutes = checkpoints?.every_minutes ?? DEFAULT_CHECKPOINT_MINUTES;
  return {
    dir,
    ...(checkpoints?.every ? { every: checkpoints.every } : {}),
    ...(minutes > 0 ? { everyMs: minutes * 60_000 } : {}),
    last: checkpoints?.last ?? true,
    keep: Math.max(1, checkpoints?.keep ?? 3),
    configHash: configHash(config),
    ...(checkpoints?.best_metric ? { bestMetric: checkpoints.best_metric, bestMode: checkpoints.mode ?? 'min' } : {}),
  };
}

/** The record's cause of a run stopped with `force`: at once, without the emergency checkpoint. */
function forcedStop(steps: number): RunFailureInfo {
  return {
    kind: 'cancelled',
    message: `stopped at once after step ${steps} on request (force), without an emergency checkpoint`,
    step: steps,
  };
}

/** The contract's summary of a finished loop. */
function summaryOf(store: RunStore, prepared: Prepared, result: LoopResult): RunSummary {
  return {
    runDir: store.dir,
    backend: prepared.backend.name,
    status: result.status,
    steps: result.steps,
    samplesPerSec: Math.round(result.samplesPerSec * 10) / 10,
    peakMemoryBytes: result.peakTensorBytes,
    finalLoss: result.finalLoss,
  };
}

/** Step and data-wait timing of the whole run, and the measured steps after a trial's warm-up. */
function timingOf(result: LoopResult, measureAfter: number | undefined): RunTiming {
  const waits = sortedNumbers(result.dataWaitMs);
  const stepMs = result.stepTimesMs.reduce((a, b) => a + b, 0);
  const waited = waits.reduce((a, b) => a + b, 0);
  return {
    meanStepMs: result.stepTimesMs.length ? round3(stepMs / result.stepTimesMs.length) : null,
    meanDataWaitMs: waits.length ? round3(waited / waits.length) : null,
    medianDataWaitMs: waits.length ? round3(waits[Math.floor(waits.length / 2)]!) : null,
    dataWaitShare: stepMs > 0 ? round3(waited / stepMs) : null,
    ...(measureAfter !== undefined ? { measured: measuredTiming(result, measureAfter) } : {}),
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
