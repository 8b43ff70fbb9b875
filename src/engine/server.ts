import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import {
  CancelRunRequest,
  ENGINE_PROTOCOL_VERSION,
  EngineErrorCodes,
  InitializeRequest,
  ShutdownRequest,
  StartRunRequest,
} from '../protocol/engine';
import { probeEnvironment } from './environment/probe';
import { TRAINLENS_VERSION } from './version';

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
export function registerEngineHandlers(connection: MessageConnection, host: EngineServerHost): void {
  connection.onRequest(InitializeRequest.type, async (params) => {
    if (params.protocolVersion !== ENGINE_PROTOCOL_VERSION) {
      throw new ResponseError(
        EngineErrorCodes.protocolMismatch,
        `The TrainLens engine speaks protocol ${ENGINE_PROTOCOL_VERSION} but ${params.clientName} speaks ` +
          `${params.protocolVersion}; reinstall TrainLens so the extension and its engine come from the same build.`,
      );
    }
    const environment = await probeEnvironment({
      engineDir: host.engineDir,
      nativeModulesPaths: params.nativeModulesPath ? [params.nativeModulesPath] : [],
    });
    return {
      protocolVersion: ENGINE_PROTOCOL_VERSION,
      engineVersion: TRAINLENS_VERSION,
      pid: host.pid,
      environment,
    };
  });

  // Training arrives with the engine capability; until then the engine says so instead of pretending.
  connection.onRequest(StartRunRequest.type, (params) => {
    throw new ResponseError(
      EngineErrorCodes.notAvailable,
      `Training is not available in TrainLens ${TRAINLENS_VERSION} yet; ${params.configPath} was not run.`,
    );
  });

  connection.onRequest(CancelRunRequest.type, (params) => {
    throw new ResponseError(EngineErrorCodes.unknownRun, `No run with id ${params.runId} is active in this engine.`);
  });

  connection.onRequest(ShutdownRequest.type, () => {
    // Reply first, then let the process entry exit once the reply has been flushed.
    setImmediate(host.onShutdown);
  });
}
