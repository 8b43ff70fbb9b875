import {
  CancelRunRequest,
  MemorySampleNotification,
  MetricsNotification,
  ProgressNotification,
  RunFailedNotification,
  RunFinishedNotification,
  StartRunRequest,
} from '../protocol/engine';
import type { RunSummary } from '../protocol/types';
import type { EngineClient } from './engineClient';

/** A run that failed in the engine: its message names the file, the place and the fix. */
export class RunFailure extends Error {
  constructor(
    message: string,
    /** The file at fault (the config, a data file or module), when known. */
    readonly file?: string,
    /** The dotted config path at fault, when known. */
    readonly path?: string,
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
  /** Asks the engine to stop the run gracefully (emergency checkpoint); `force` kills it. */
  cancel(force?: boolean): Promise<void>;
}

/**
 * Starts a run in the engine and follows it: the one place where the extension and the CLI subscribe to a run's
 * notifications. Rejects (before the run starts) with the engine's ResponseError when it refuses the request
 * (an invalid config, a missing file). One run per client at a time: its handlers replace earlier ones.
 */
export async function startRun(
  client: EngineClient,
  params: StartRunRequest.Params,
  listeners: RunListeners = {},
): Promise<RunSession> {
  const { connection } = client;
  const outcome = new Promise<RunSummary>((resolve, reject) => {
    connection.onNotification(RunFinishedNotification.type, (p) => resolve(p.summary));
    connection.onNotification(RunFailedNotification.type, (p) => reject(new RunFailure(p.message, p.file, p.path)));
    client.onExit((exit) => reject(new RunFailure(`the engine stopped during the run: ${exit.reason}`)));
  });
  // Nobody awaits the outcome when the start request itself is refused.
  outcome.catch(() => undefined);
  connection.onNotification(ProgressNotification.type, (p) => listeners.onProgress?.(p));
  connection.onNotification(MetricsNotification.type, (p) => listeners.onMetrics?.(p));
  connection.onNotification(MemorySampleNotification.type, (p) => listeners.onMemory?.(p));
  const started = await connection.sendRequest(StartRunRequest.type, params);
  return {
    ...started,
    outcome,
    cancel: async (force) => {
      await connection.sendRequest(CancelRunRequest.type, { runId: started.runId, ...(force ? { force } : {}) });
    },
  };
}
