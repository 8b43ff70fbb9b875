import { CancelRunRequest, type RunOptions, StartRunRequest, type ProgressNotification } from '../protocol/engine';
import type { MemorySampleNotification, MetricsNotification } from '../protocol/engine';
import type { RunFailureKind } from '../protocol/runRecord';
import type { RunSummary } from '../protocol/types';
import type { EngineClient } from './engineClient';
import type { RunEvent } from './runRouter';

/** A run that failed in the engine: its message names the file, the place and the fix; `kind` says what failed. */
export class RunFailure extends Error {
  constructor(
    message: string,
    /** The file at fault (the config, a data file or module), when known. */
    readonly file?: string,
    /** The dotted config path at fault, when known. */
    readonly path?: string,
    /** What failed: out of memory, NaN, the data, the config, a forced stop, or the engine itself. */
    readonly kind: RunFailureKind = 'internal',
    /** The step the run was in, when it had started training. */
    readonly step?: number,
  ) {
    super(message);
    this.name = 'RunFailure';
  }
}

/** What a caller watches while a run goes on; all optional. */
export interface RunListeners {
  onProgress?(progress: ProgressNotification.Params): void;
  onMetrics?(metrics: MetricsNotification.Params): void;
  onMemory?(sample: MemorySampleNotification.Params): void;
}

/** A started run: where it writes, how it ends, and how to stop it. */
export interface RunSession {
  readonly runId: string;
  readonly runDir: string;
  /** Resolves with the summary when the run ends (completed or stopped); rejects with a {@link RunFailure}. */
  readonly outcome: Promise<RunSummary>;
  /** Asks the engine to stop the run gracefully (emergency checkpoint); `force` stops it without one. */
  cancel(force?: boolean): Promise<void>;
}

/**
 * Starts a run in the engine and follows it: the one place where the extension, the CLI and the tuner follow a
 * run. Its events come through the client's {@link RunRouter} by run id, so several runs may share one client.
 * Rejects (before the run starts) with the engine's ResponseError when it refuses the request (an invalid config,
 * a missing file).
 */
export async function startRun(
  client: EngineClient,
  options: RunOptions,
  listeners: RunListeners = {},
): Promise<RunSession> {
  const { connection } = client;
  const started = await connection.sendRequest(StartRunRequest.type, options);
  let release: () => void = () => undefined;
  const outcome = new Promise<RunSummary>((resolve, reject) => {
    const onEvent = (event: RunEvent): void => {
      switch (event.method) {
        case 'progress':
          return listeners.onProgress?.(event.params);
        case 'metrics':
          return listeners.onMetrics?.(event.params);
        case 'memory':
          return listeners.onMemory?.(event.params);
        case 'finished':
          release();
          return resolve(event.params.summary);
        case 'failed': {
          release();
          const { message, file, path, kind, step } = event.params;
          return reject(new RunFailure(message, file, path, kind, step));
        }
      }
    };
    release = client.runs.claim(started.runId, onEvent);
    client.onExit((exit) => {
      release();
      reject(new RunFailure(`the engine stopped during the run: ${exit.reason}`));
    });
  });
  // A caller that only starts the run (and never awaits the outcome) must not see an unhandled rejection.
  outcome.catch(() => undefined);
  return {
    ...started,
    outcome,
    cancel: async (force) => {
      await connection.sendRequest(CancelRunRequest.type, { runId: started.runId, ...(force ? { force } : {}) });
    },
  };
}
