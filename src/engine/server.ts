import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import {
  CancelRunRequest,
  ENGINE_PROTOCOL_VERSION,
  EnvironmentRequest,
  EngineErrorCodes,
  InitializeRequest,
  ShutdownRequest,
  StartRunRequest,
} from '../protocol/engine';
import { probeEnvironment } from './environment/probe';
import { registerOnnxHandlers } from './onnx/handlers';
import { startRun, type ActiveRun } from './run/runHandler';
import type { EnvironmentReport } from '../protocol/types';
import { TRAINLENS_VERSION } from '../protocol/version';

/** What the engine's request handlers need from the process they run in. */
export interface EngineServerHost {
  /** Folder of the engine bundle, where bundled assets live. */
  readonly engineDir: string;
  readonly pid: number;
  /** Called once the host asked the engine to shut down and the reply was sent. */
  readonly onShutdown: () => void;
}

/**
 * Registers the engine's request handlers on a JSON-RPC connection. Kept apart from the process entry
 * (`main.ts`) so the handlers can be driven over any message connection.
 */
/** What the process entry can do with the registered handlers. */
export interface EngineHandlers {
  /** Asks every active run to stop (each writes its emergency checkpoint) and resolves when all have ended. */
  stopRuns(): Promise<void>;
}

export function registerEngineHandlers(connection: MessageConnection, host: EngineServerHost): EngineHandlers {
  let environment: EnvironmentReport | undefined;
  let nativeModulesPaths: string[] = [];
  const probe = () => probeEnvironment({ engineDir: host.engineDir, nativeModulesPaths });
  const runs = new Map<string, ActiveRun>();

  connection.onRequest(InitializeRequest.type, async (params) => {
    if (params.protocolVersion !== ENGINE_PROTOCOL_VERSION) {
      throw new ResponseError(
        EngineErrorCodes.protocolMismatch,
        `The TrainLens engine speaks protocol ${ENGINE_PROTOCOL_VERSION} but ${params.clientName} speaks ` +
          `${params.protocolVersion}; reinstall TrainLens so the extension and its engine come from the same build.`,
      );
    }
    nativeModulesPaths = params.nativeModulesPath ? [params.nativeModulesPath] : [];
    environment = await probe();
    return {
      protocolVersion: ENGINE_PROTOCOL_VERSION,
      engineVersion: TRAINLENS_VERSION,
      pid: host.pid,
      environment,
    };
  });

  connection.onRequest(EnvironmentRequest.type, async () => (environment = await probe()));

  connection.onRequest(StartRunRequest.type, async (params) => {
    environment ??= await probe();
    return startRun(connection, params, { engineDir: host.engineDir, environment, runs });
  });

  connection.onRequest(CancelRunRequest.type, (params) => {
    const run = runs.get(params.runId);
    if (!run)
      throw new ResponseError(EngineErrorCodes.unknownRun, `No run with id ${params.runId} is active in this engine.`);
    run.stop = true;
    // Force: the loop stops before its next step without writing the emergency checkpoint.
    if (params.force) run.force = true;
    return { accepted: true };
  });

  registerOnnxHandlers(connection);

  connection.onRequest(ShutdownRequest.type, () => {
    // Reply first, then let the process entry exit once the reply has been flushed.
    setImmediate(host.onShutdown);
  });

  return {
    async stopRuns() {
      for (const run of runs.values()) run.stop = true;
      await Promise.allSettled([...runs.values()].map((run) => run.done ?? Promise.resolve()));
    },
  };
}
