import { fork, type ChildProcess } from 'node:child_process';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  ENGINE_PROTOCOL_VERSION,
  ExitingNotification,
  InitializeRequest,
  LogNotification,
  ShutdownRequest,
} from '../protocol/engine';
import { RunRouter } from './runRouter';

/** How to start the engine process. */
export interface EngineClientOptions {
  /** The engine entry: `dist/engine.js` when bundled. */
  readonly enginePath: string;
  /** Written into the initialize request, e.g. `vscode 1.100.3`. */
  readonly clientName: string;
  /** Node binary; defaults to the current one (VS Code's runtime runs it with ELECTRON_RUN_AS_NODE). */
  readonly execPath?: string;
  /** Node flags for the engine (tests pass `--import tsx` to run it from sources). */
  readonly execArgv?: readonly string[];
  readonly nativeModulesPath?: string;
  /** Receives `engine/log` notifications and anything the engine prints to stdout or stderr. */
  readonly onLog?: (level: LogNotification.Params['level'], message: string) => void;
  /** How long the engine may take to answer `initialize`. */
  readonly initializeTimeoutMs?: number;
}

/** How the engine process ended. `expected` is false for crashes and kills the host did not ask for. */
export interface EngineExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly reason: string;
  readonly expected: boolean;
}

/**
 * The host side of one engine process: starts it, performs the initialize handshake, and ends it without leaving
 * orphans. Used by the extension and by the CLI, so both drive the engine the same way.
 */
export class EngineClient {
  private exitReason: string | undefined;
  private shuttingDown = false;
  private readonly exitListeners: Array<(exit: EngineExit) => void> = [];
  private exitInfo: EngineExit | undefined;

  /** Routes run notifications to the run they belong to (see {@link startRun} in runSession.ts). */
  readonly runs: RunRouter;

  private constructor(
    private readonly child: ChildProcess,
    /** The JSON-RPC connection, for run requests and event notifications. */
    readonly connection: MessageConnection,
  ) {
    this.runs = new RunRouter(connection);
  }

  /** What the engine answered to `initialize`: its version, pid and the environment report. */
  info!: InitializeRequest.Result;

  /** Starts an engine process and completes the handshake; rejects with the engine's own message on failure. */
  static async start(options: EngineClientOptions): Promise<EngineClient> {
    const child = fork(options.enginePath, [], {
      execPath: options.execPath ?? process.execPath,
      execArgv: [...(options.execArgv ?? [])],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const client = new EngineClient(child, connection);
    client.wire(options);
    connection.listen();

    const timeoutMs = options.initializeTimeoutMs ?? 30_000;
    try {
      client.info = await client.withExitAndTimeout(
        connection.sendRequest(InitializeRequest.type, {
          protocolVersion: ENGINE_PROTOCOL_VERSION,
          clientName: options.clientName,
          ...(options.nativeModulesPath ? { nativeModulesPath: options.nativeModulesPath } : {}),
        }),
        timeoutMs,
        `The TrainLens engine did not answer within ${timeoutMs} ms`,
      );
    } catch (error) {
      client.kill();
      throw error;
    }
    return client;
  }

  /** The engine's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** Calls `listener` once when the process ends (immediately if it already has). */
  onExit(listener: (exit: EngineExit) => void): void {
    if (this.exitInfo) listener(this.exitInfo);
    else this.exitListeners.push(listener);
  }

  /** Asks the engine to finish and exit; kills it if it has not exited after `timeoutMs`. */
  async shutdown(timeoutMs = 5000): Promise<EngineExit> {
    const exited = new Promise<EngineExit>((resolve) => this.onExit(resolve));
    if (this.exitInfo) return exited;
    this.shuttingDown = true;
    const timer = setTimeout(() => this.kill(), timeoutMs);
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
    } catch {
      // The engine may already be gone; the exit listener still settles below.
      this.kill();
    }
    const exit = await exited;
    clearTimeout(timer);
    return exit;
  }

  /** Ends the process at once (second cancel, timeout, extension deactivation). */
  kill(): void {
    this.shuttingDown = true;
    if (!this.exitInfo) this.child.kill('SIGKILL');
  }

  private wire(options: EngineClientOptions): void {
    const log = options.onLog ?? (() => undefined);
    this.connection.onNotification(LogNotification.type, (p) => log(p.level, p.message));
    this.connection.onNotification(ExitingNotification.type, (p) => {
      this.exitReason = p.reason;
    });
    this.child.stdout?.on('data', (chunk: Buffer) => log('info', chunk.toString('utf8').trimEnd()));
    this.child.stderr?.on('data', (chunk: Buffer) => log('error', chunk.toString('utf8').trimEnd()));
    this.child.on('exit', (code, signal) => {
      const reason = this.exitReason ?? (signal ? `killed by ${signal}` : `exited with code ${code}`);
      const expected = this.shuttingDown || (code === 0 && this.exitReason !== undefined);
      this.exitInfo = { code, signal, reason, expected };
      this.connection.dispose();
      for (const listener of this.exitListeners.splice(0)) listener(this.exitInfo);
    });
  }

  /** Races a request against the process exiting and a timeout, so callers never wait forever. */
  private withExitAndTimeout<T>(request: Promise<T>, timeoutMs: number, timeoutMessage: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(timeoutMessage)), timeoutMs);
      this.onExit((exit) => {
        clearTimeout(timer);
        reject(new Error(`The TrainLens engine exited during start-up: ${exit.reason}`));
      });
      request.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
