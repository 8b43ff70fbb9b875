import { join } from 'node:path';
import type { Command } from 'commander';
import { ResponseError } from 'vscode-jsonrpc';
import { EngineClient } from '../../engineClient/engineClient';
import { RunFailure, startRun, type RunSession } from '../../engineClient/runSession';
import { EngineErrorCodes } from '../../protocol/engine';
import { CliError, ExitCode } from '../errors';
import type { CliIo } from '../io';
import type { RunSummary } from '../../protocol/types';
import { analyzeProfile, loadProfile, type AnalysisReport } from '../../analysis/analyze';
import { TraceError } from '../../analysis/ingest/traceReader';
import { formatReport } from '../textReport';
import { createProgress, type Progress } from '../progress';
import { checkConfigReadable } from '../files';
import { failedRunError, runFailureError } from '../runFailure';
import { defined } from '../../common/defined';
import { REQUESTED_BACKENDS, type RequestedBackend } from '../../protocol/backends';

/** The signals that stop a run gracefully, as Ctrl+C does. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Options of `run` (and of `profile`, which uses the same training path). */
export interface RunOptions {
  readonly steps?: string;
  readonly epochs?: string;
  readonly out?: string;
  readonly backend?: string;
  readonly resume?: string;
  readonly profile?: boolean;
  readonly json?: boolean;
  /** Run even when the predicted memory of a step is over the memory available (`run --force`). */
  readonly force?: boolean;
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${flag} must be a positive integer, not "${value}".`, ExitCode.usage);
  return n;
}

/** `trainlens run <config>`: trains through the engine process, exactly as the editor does. */
export function addRunCommand(program: Command, io: CliIo, engineDir: string): void {
  program
    .command('run')
    .argument('<config>', 'training config YAML')
    .summary('train the model a config describes and record the run')
    .description(
      'Train the model a config describes in the TrainLens engine process and write a run directory\n(run.json, metrics.jsonl) under .trainlens/runs next to the config, or --out.',
    )
    .option('--steps <n>', 'stop after N optimizer steps')
    .option('--epochs <n>', 'stop after N epochs')
    .option('--out <dir>', 'folder for the run directory (default .trainlens/runs next to the config)')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu')
    .option('--resume <run>', 'a run directory to continue, or latest')
    .option('--profile', 'record a trace and analyse it')
    .option('--json', 'print one JSON document')
    .option('--force', 'run even when the predicted memory of a step is over the memory available')
    .action(async (config: string, options: RunOptions) => {
      const summary = await trainConfig(io, engineDir, config, options);
      if (options.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        io.stdout(
          `Run ${summary.status}: ${summary.steps} steps on ${summary.backend}, ${summary.samplesPerSec} samples/s, ` +
            `final loss ${summary.finalLoss ?? 'n/a'}, peak tensor memory ${(summary.peakMemoryBytes / 1024 / 1024).toFixed(1)} MiB.\n` +
            `Run record: ${summary.runDir}\n`,
        );
        if (options.profile) io.stdout(`\n${formatReport(await analyzeRun(summary.runDir))}`);
      }
      // The NaN guard ends a run normally with status failed: say why, from its record (exit 1).
      if (summary.status === 'failed') throw failedRunError(summary, config);
    });
}

/**
 * Trains a config in the engine process with a progress bar on stderr and the engine's reports above it; resolves
 * with the run summary. Shared by `run` and `profile`.
 */
export async function trainConfig(
  io: CliIo,
  engineDir: string,
  config: string,
  options: RunOptions,
): Promise<RunSummary> {
  // A config that cannot be read is a usage error (exit 2), found before an engine is started for it.
  checkConfigReadable(config);
  const steps = positiveInt(options.steps, '--steps');
  const epochs = positiveInt(options.epochs, '--epochs');
  if (options.backend && !(REQUESTED_BACKENDS as readonly string[]).includes(options.backend)) {
    throw new CliError(
      `unknown --backend "${options.backend}".`,
      ExitCode.usage,
      `Use ${REQUESTED_BACKENDS.slice(0, -1).join(', ')} or ${REQUESTED_BACKENDS.at(-1)}.`,
    );
  }
  let progress: Progress | undefined;
  const client = await EngineClient.start({
    enginePath: join(engineDir, 'engine.js'),
    clientName: 'trainlens-cli',
    // The engine's reports (model and backend, memory warnings and actions) go to stderr with the progress.
    onLog: (level, message) => {
      if (level === 'debug' || level === 'trace') return;
      const line = `${level === 'info' ? '' : `${level}: `}${message}`;
      if (progress) progress.log(line);
      else io.stderr(`${line}\n`);
    },
  });
  let lastLoss: number | undefined;
  try {
    let session: RunSession;
    try {
      session = await startRun(
        client,
        defined({
          configPath: config,
          outDir: options.out,
          steps,
          epochs,
          backend: options.backend as RequestedBackend | undefined,
          resume: options.resume,
          profile: options.profile,
          force: options.force,
        }),
        {
          onMetrics: (p) => {
            if (p.values['loss'] !== undefined) lastLoss = p.values['loss'];
          },
          onProgress: (p) => {
            progress ??= createProgress(io, p.totalSteps, 'train');
            const loss = lastLoss !== undefined ? ` loss ${lastLoss.toFixed(4)}` : '';
            progress.update(p.step, `epoch ${p.epoch + 1}${loss}, ${Math.round(p.samplesPerSec)} samples/s`);
          },
        },
      );
    } catch (error) {
      if (error instanceof ResponseError) {
        const exit = error.code === EngineErrorCodes.invalidConfig ? ExitCode.problems : ExitCode.usage;
        // The engine names the file at fault: the config, or the data file it reads.
        const file = (error.data as { file?: string } | undefined)?.file ?? config;
        throw new CliError(`${error.message}${/[.?]$/.test(error.message) ? '' : '.'}`, exit, undefined, { file });
      }
      throw error;
    }
    // Ctrl+C, SIGTERM (docker stop, CI cancellation, job schedulers) and SIGHUP (the terminal closed) stop the run
    // gracefully, with its emergency checkpoint, so it can be resumed; a second signal kills the engine.
    let interrupts = 0;
    const onSignal = () => {
      if (++interrupts > 1) client.kill();
      else void session.cancel().catch(() => undefined);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    const summary = await session.outcome
      .catch((error: unknown) => {
        if (!(error instanceof RunFailure)) throw error;
        throw runFailureError(error, session.runDir);
      })
      .finally(() => {
        for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      });
    progress?.stop();
    return summary;
  } finally {
    progress?.stop();
    if (!client.exited) await client.shutdown();
  }
}

/** The analysis of a profiled run directory. */
export async function analyzeRun(runDir: string): Promise<AnalysisReport> {
  const profile = await loadProfile(runDir).catch((error: unknown) => {
    // The run itself succeeded; only its profile cannot be read (e.g. it ended before the profiling window).
    if (error instanceof TraceError)
      throw new CliError(
        `the run finished, but its profile cannot be analysed: ${error.message}.`,
        ExitCode.problems,
        'Run more steps than monitoring.profiling.warmup_steps + steps, or lower them.',
        { file: runDir },
      );
    throw error;
  });
  return analyzeProfile(profile);
}
