import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import {
  EngineErrorCodes,
  LogNotification,
  MemorySampleNotification,
  MetricsNotification,
  ProgressNotification,
  RunFailedNotification,
  RunFinishedNotification,
  type RunOptions,
  type StartRunRequest,
} from '../../protocol/engine';
import type { EnvironmentReport } from '../../protocol/types';
import { failureOf, RunInputError } from './failure';
import { runTraining } from './runTraining';

/** An active run as the engine's request handlers see it: `run/cancel` sets its flags. */
export interface ActiveRun {
  /** Stop before the next step. */
  stop: boolean;
  /** Stop at once, without the emergency checkpoint (`run/cancel` with `force`). */
  force: boolean;
  done?: Promise<unknown>;
}

/** The engine's bookkeeping for {@link startRun}. */
export interface RunHandlerContext {
  readonly engineDir: string;
  readonly environment: EnvironmentReport;
  /** Active runs by id. */
  readonly runs: Map<string, ActiveRun>;
}

/** Progress notifications at most this often; every step would flood the channel on fast models. */
const PROGRESS_INTERVAL_MS = 200;

/** Sends `run/progress` at most every {@link PROGRESS_INTERVAL_MS}, with the time left at this run's pace. */
function progressSender(connection: MessageConnection, runId: () => string) {
  let lastProgress = 0;
  let first: { step: number; at: number } | undefined;
  return (step: number, totalSteps: number, epoch: number, samplesPerSec: number) => {
    const now = Date.now();
    first ??= { step, at: now };
    if (now - lastProgress < PROGRESS_INTERVAL_MS && step < totalSteps) return;
    lastProgress = now;
    // Time left at the pace of this run so far (steps of a resumed run before it started do not count).
    const done = step - first.step;
    const etaMs = done > 0 ? Math.round(((now - first.at) / done) * (totalSteps - step)) : undefined;
    void connection.sendNotification(ProgressNotification.type, {
      runId: runId(),
      step,
      totalSteps,
      epoch,
      samplesPerSec,
      ...(etaMs !== undefined ? { etaMs } : {}),
    });
  };
}

/** The request's refusal when the run fails before it has a directory (an invalid config, a missing file). */
function refusal(error: unknown): ResponseError<{ file: string; path?: string } | undefined> {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof RunInputError)) return new ResponseError(EngineErrorCodes.notAvailable, message);
  return new ResponseError(EngineErrorCodes.invalidConfig, message, {
    file: error.file,
    ...(error.path ? { path: error.path } : {}),
  });
}

/**
 * Starts a run and answers once its directory exists; the run then reports through notifications, each with its
 * run id, until `run/finished` or `run/failed`. Problems found before the run starts (an invalid config) reject the
 * request. Several runs may go on at once in one engine.
 */
export function startRun(
  connection: MessageConnection,
  params: StartRunRequest.Params,
  context: RunHandlerContext,
): Promise<StartRunRequest.Result> {
  return new Promise((resolve, reject) => {
    const state: ActiveRun = { stop: false, force: false };
    let runId: string | undefined;
    let lastStep = 0;
    const sendProgress = progressSender(connection, () => runId!);
    state.done = runTraining(params satisfies RunOptions, {
      engineDir: context.engineDir,
      environment: context.environment,
      onMemorySample: ({ step: _step, ...sample }) =>
        void connection.sendNotification(MemorySampleNotification.type, { runId: runId!, ...sample }),
      onMemoryEvent: (event) =>
        void connection.sendNotification(LogNotification.type, {
          level: event.kind === 'action' ? 'info' : 'warn',
          message: `memory: ${event.message}`,
        }),
      onInfo: (message) => void connection.sendNotification(LogNotification.type, { level: 'info', message }),
      onStarted: (id, dir) => {
        runId = id;
        context.runs.set(id, state);
        resolve({ runId: id, runDir: dir });
      },
      hooks: {
        shouldStop: () => state.stop,
        forceStop: () => state.force,
        onProgress: (step, totalSteps, epoch, samplesPerSec) => {
          lastStep = step;
          sendProgress(step, totalSteps, epoch, samplesPerSec);
        },
        onMetrics: (row) =>
          void connection.sendNotification(MetricsNotification.type, {
            runId: runId!,
            step: row.step,
            values: row.values,
          }),
      },
    })
      .then((summary) => connection.sendNotification(RunFinishedNotification.type, { runId: runId!, summary }))
      .catch((error: unknown) => {
        if (!runId) return reject(refusal(error));
        return connection.sendNotification(RunFailedNotification.type, { runId, ...failureOf(error, lastStep + 1) });
      })
      .finally(() => {
        if (runId) context.runs.delete(runId);
      });
  });
}
