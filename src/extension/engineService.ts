import * as vscode from 'vscode';
import { EngineClient, type EngineExit } from '../engineClient/engineClient';
import { assertMayStartProcess } from './trust';

/** How to launch an engine process; spreads into both `EngineClient.start` and the tuner's options. */
export interface EngineLaunchOptions {
  /** The bundled engine (dist/engine.js). */
  readonly enginePath: string;
  /** The Node executable that runs it (`trainlens.engine.nodePath`); the extension host's own when unset. */
  readonly execPath?: string;
  /** A folder to resolve optional native packages from (`trainlens.engine.nativeModulesPath`). */
  readonly nativeModulesPath?: string;
}

/**
 * Owns the engine process for the extension: starts it on first use, hands the same client to every caller, and
 * reports an unexpected exit once instead of restarting in a loop (a crashing engine would crash again).
 */
export class EngineService implements vscode.Disposable {
  private starting: Promise<EngineClient> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The running engine, started if needed. Rejects with the engine's start-up error. */
  get(): Promise<EngineClient> {
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** Stops the current engine (gracefully, then by force) and starts a new one. */
  async restart(): Promise<EngineClient> {
    await this.stop();
    return this.get();
  }

  /** Stops the engine if one runs. */
  async stop(): Promise<void> {
    const current = this.starting;
    this.starting = undefined;
    if (!current) return;
    const client = await current.catch(() => undefined);
    if (client && !client.exited) await client.shutdown();
  }

  dispose(): void {
    void this.stop();
  }

  /**
   * How an engine process is launched: the bundled engine, run by the `trainlens.engine.nodePath` Node if one is
   * set, resolving native packages from `trainlens.engine.nativeModulesPath` too. The one place that reads these
   * settings: the shared engine and the tuning trials' engines must run the same way. Read at each launch, so a
   * changed setting applies to the next engine (Restart Engine) without a window reload. Also the one trust gate:
   * every engine the extension starts is launched with these options, so in an untrusted workspace this throws
   * {@link UntrustedWorkspaceError} and nothing starts, whatever asked (a command, a restored panel, a re-run).
   */
  launchOptions(): EngineLaunchOptions {
    assertMayStartProcess(() => vscode.workspace.isTrusted);
    const settings = vscode.workspace.getConfiguration('trainlens.engine');
    const execPath = settings.get<string>('nodePath')?.trim();
    const nativeModulesPath = settings.get<string>('nativeModulesPath')?.trim();
    return {
      enginePath: vscode.Uri.joinPath(this.extensionUri, 'dist', 'engine.js').fsPath,
      ...(execPath ? { execPath } : {}),
      ...(nativeModulesPath ? { nativeModulesPath } : {}),
    };
  }

  private async start(): Promise<EngineClient> {
    const launch = this.launchOptions();
    this.log.info(`Starting the engine: ${launch.enginePath}`);
    const client = await EngineClient.start({
      ...launch,
      clientName: `vscode ${vscode.version}`,
      onLog: (level, message) => this.logEngine(level, message),
    });
    this.log.info(`Engine ${client.info.engineVersion} ready (pid ${client.info.pid}).`);
    client.onExit((exit) => this.onEngineExit(client, exit));
    return client;
  }

  private onEngineExit(client: EngineClient, exit: EngineExit): void {
    if (exit.expected) {
      this.log.info(`Engine (pid ${client.pid}) stopped: ${exit.reason}.`);
      return;
    }
    this.log.error(`Engine (pid ${client.pid}) stopped unexpectedly: ${exit.reason}.`);
    this.starting = undefined;
    void vscode.window
      .showErrorMessage(`The TrainLens engine stopped unexpectedly: ${exit.reason}.`, 'Show Output', 'Restart Engine')
      .then((choice) => {
        if (choice === 'Show Output') this.log.show();
        if (choice === 'Restart Engine') void vscode.commands.executeCommand('trainlens.restartEngine');
      });
  }

  private logEngine(level: string, message: string): void {
    if (level === 'error') this.log.error(`[engine] ${message}`);
    else if (level === 'warn') this.log.warn(`[engine] ${message}`);
    else if (level === 'debug' || level === 'trace') this.log.debug(`[engine] ${message}`);
    else this.log.info(`[engine] ${message}`);
  }
}
