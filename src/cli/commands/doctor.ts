import { join } from 'node:path';
import type { Command } from 'commander';
import { EngineClient } from '../../engineClient/engineClient';
import { formatEnvironmentReport } from '../../engineClient/environmentText';
import { CliError, ExitCode } from '../errors';
import type { CliIo } from '../io';
import { createProgress } from '../progress';

interface DoctorOptions {
  readonly json?: boolean;
  readonly nativeModules?: string;
}

/**
 * `trainlens doctor`: starts the engine process exactly as the extension does, completes the handshake and prints
 * what the engine sees: machine, GPUs, TF.js backends in `auto` order with the reason each missing one was skipped,
 * and ONNX Runtime.
 */
export function addDoctorCommand(program: Command, io: CliIo, engineDir: string): void {
  program
    .command('doctor')
    .summary('check this machine: engine start-up, GPUs, TF.js backends, ONNX Runtime')
    .description(
      'Start the TrainLens engine process and print what it sees: the machine, GPUs, the TF.js backends in the\n' +
        'order engine.backend: auto tries them (with the reason each unavailable one was skipped), and ONNX Runtime.',
    )
    .option('--native-modules <dir>', 'also look for @tensorflow/tfjs-node(-gpu) in DIR/node_modules')
    .option('--json', 'print one JSON document')
    .action(async (options: DoctorOptions) => {
      const progress = createProgress(io, 2, 'doctor');
      progress.update(0, 'starting the engine process');
      let client: EngineClient;
      try {
        client = await EngineClient.start({
          enginePath: join(engineDir, 'engine.js'),
          clientName: 'trainlens-cli',
          ...(options.nativeModules ? { nativeModulesPath: options.nativeModules } : {}),
        });
      } catch (error) {
        progress.stop();
        throw new CliError(
          `the engine process did not start: ${(error as Error).message}.`,
          ExitCode.problems,
          'Rebuild with "npm run build"; if it persists, run with TRAINLENS_DEBUG=1 and report the output.',
          { file: join(engineDir, 'engine.js') },
        );
      }
      progress.update(1, 'engine ready');
      const info = client.info;
      await client.shutdown();
      progress.update(2, 'done');
      progress.stop();
      if (options.json)
        io.stdout(
          `${JSON.stringify({ engine: { version: info.engineVersion, pid: info.pid }, ...info.environment }, null, 2)}\n`,
        );
      else
        io.stdout(
          `TrainLens engine ${info.engineVersion} started (pid ${info.pid}).\n${formatEnvironmentReport(info.environment)}`,
        );
    });
}
