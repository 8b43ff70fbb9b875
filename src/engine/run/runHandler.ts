import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import {
  EngineErrorCodes,
  LogNotification,
  MemorySampleNotification,
  MetricsNotification,
  ProgressNotification,
  RunFailedNotification,
  RunFinishedNotification,
  type StartRunRequest,
} from '../../protocol/engine';
import type { EnvironmentReport } from '../../protocol/types';
import { RunInputError, runTraining } from './runTraining';

/** The engine's bookkeeping for {@link startRun}. */
export interface RunHandlerContext {
  readonly engineDir: string;
  readonly environment: EnvironmentReport;
  /** Active runs by id, with their stop flag (set by run/cancel). */
  readonly runs: Map<string, { stop: boolean; done?: Promise<unknown> }>;
}

/** Progress notifications at most this often; every step would flood the channel on fast models. */
const PROGRESS_INTERVAL_MS = 200;

/**
 * Starts a run and answers once its directory exists; the run then reports through notifications until
 * `run/finished` or `run/failed`. Problems found before the run starts (an invalid config) reject the request.
 */
export function startRun(
  connection: MessageConnection,
  params: StartRunRequest.Params,
  context: RunHandlerContext,
): Promise<StartRunRequest.Result> {
  return new Promise((resolve, reject) => {
    const state: { stop: boolean; done?: Promise<unknown> } = { stop: false };
    let runId: string | undefined;
    let lastProgress = 0;
    let first: { step: number; at: number } | undefined;
    state.done = runTraining(
      {
        configPath: params.configPath,
        ...(params.outDir ? { outDir: params.outDir } : {}),
        ...(params.steps ? { steps: params.steps } : {}),
        ...(params.epochs ? { epochs: params.epochs } : {}),
        ...(params.backend ? { backend: params.backend } : {}),
        ...(params.resume !== undefined ? { resume: params.resume } : {}),
        ...(params.profile ? { profile: true } : {}),
        ...(params.measureAfter !== undefined ? { measureAfter: params.measureAfter } : {}),
      },
      {
        engineDir: context.engineDir,
        environment: context.environment,
        onMemorySample: (sample) =>
          void connection.sendNotification(MemorySampleNotification.type, {
            runId: runId!,
            tMs: sample.tMs,
            tensors: sample.tensors,
            tensorBytes: sample.tensorBytes,
            rssBytes: sample.rssBytes,
            heapUsedBytes: sample.heapUsedBytes,
            ...(sample.gpuUsedBytes !== undefined ? { gpuUsedBytes: sample.gpuUsedBytes } : {}),
            ...(sample.gpuUtilizationPercent !== undefined
              ? { gpuUtilizationPercent: sample.gpuUtilizationPercent }
              : {}),
          }),
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
          onProgress: (step, totalSteps, epoch, samplesPerSec) => {
            const now = Date.now();
            first ??= { step, at: now };
            if (now - lastProgress < PROGRESS_INTERVAL_MS && step < totalSteps) return;
            lastProgress = now;
            // Time left at the pace of this run so far (steps of a resumed run before it started do not count).
            const done = step - first.step;
            const etaMs = done > 0 ? Math.round(((now - first.at) / done) * (totalSteps - step)) : undefined;
            void connection.sendNotification(ProgressNotification.type, {
              runId: runId!,
              step,
              totalSteps,
              epoch,
              samplesPerSec,
              ...(etaMs !== undefined ? { etaMs } : {}),
            });
          },
          onMetrics: (row) =>
            void connection.sendNotification(MetricsNotification.type, {
              runId: runId!,
              step: row.step,
              values: row.values,
            }),
        },
      },
    )
      .then((summary) => connection.sendNotification(RunFinishedNotification.type, { runId: runId!, summary }))
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (!runId) {
          const code = error instanceof RunInputError ? EngineErrorCodes.invalidConfig : EngineErrorCodes.notAvailable;
          reject(
            new ResponseError(
              code,
              message,
              error instanceof RunInputError ? { file: error.file, path: error.path } : undefined,
            ),
          );
          return;
        }
        return connection.sendNotification(RunFailedNotification.type, {
          runId,
          message,
          ...(error instanceof RunInputError ? { file: error.file, ...(error.path ? { path: error.path } : {}) } : {}),
        });
      })
      .finally(() => {
        if (runId) context.runs.delete(runId);
      });
  });
}
