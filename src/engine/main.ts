/**
 * The engine process entry. The extension host (or the CLI) forks this file and talks to it over the IPC channel
 * with JSON-RPC. Nothing here writes to stdout: diagnostics travel as `engine/log` notifications.
 */
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { ExitingNotification } from '../protocol/engine';
import { silenceTfjsNotices } from './backends/notices';
import { registerEngineHandlers } from './server';

function startEngine(): void {
  if (!process.send) {
    process.exitCode = 2;
    process.stderr.write('The TrainLens engine must be started by the extension or the CLI with an IPC channel.\n');
    return;
  }
  const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
  silenceTfjsNotices();

  let exiting = false;
  const exit = (code: number, reason: string): void => {
    if (exiting) return;
    exiting = true;
    // Tell the host why before leaving, so it can tell a crash from a requested exit.
    void connection
      .sendNotification(ExitingNotification.type, { code, reason })
      .catch(() => undefined)
      .finally(() => {
        connection.dispose();
        process.exit(code);
      });
  };

  const handlers = registerEngineHandlers(connection, {
    engineDir: __dirname,
    pid: process.pid,
    onShutdown: () => exit(0, 'shutdown requested'),
  });

  process.on('uncaughtException', (error) => exit(1, `uncaught exception: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (error) => exit(1, `unhandled rejection: ${String(error)}`));
  // The host went away (window closed, CLI killed): never linger as an orphan.
  process.on('disconnect', () => exit(0, 'host disconnected'));
  // A signal stops active runs gracefully (each writes an emergency checkpoint and records itself as stopped), with
  // a deadline; a second signal ends the process at once. SIGHUP comes when the terminal closes.
  let signalled = false;
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (signalled) return exit(1, `received ${signal} again; stopped at once`);
      signalled = true;
      const deadline = setTimeout(() => exit(1, `received ${signal}; runs did not stop within 10 s`), 10_000);
      void handlers.stopRuns().finally(() => {
        clearTimeout(deadline);
        exit(0, `received ${signal}`);
      });
    });
  }

  connection.listen();
}

startEngine();
