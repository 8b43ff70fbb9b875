import { join } from 'node:path';
import type { Command } from 'commander';
import { EngineClient } from '../../engineClient/engineClient';
import { TuneError, tune } from '../../tuner/tuner';
import type { Trial, TuneResult } from '../../tuner/types';
import { CliError, ExitCode } from '../errors';
import type { CliIo } from '../io';
import { checkConfigReadable, replaceFile } from '../files';
import { createProgress } from '../progress';
import { positiveInt } from './run';

interface TuneOptions {
  readonly budget?: string;
  readonly objective: string;
  readonly write?: boolean;
  readonly json?: boolean;
  readonly measureSteps?: string;
  readonly targetLoss?: string;
}

/** The contract's Trial (the fields `trainlens tune --json` prints for each trial). */
function contractTrial(trial: Trial): Record<string, unknown> {
  return {
    params: trial.params,
    samplesPerSec: trial.samplesPerSec,
    ...(trial.timeToLossMs !== undefined ? { timeToLossMs: trial.timeToLossMs } : {}),
    stepMs: trial.stepMs,
    peakMemoryBytes: trial.peakMemoryBytes,
    status: trial.status,
    ...(trial.reason ? { reason: trial.reason } : {}),
    phase: trial.phase,
    repeats: trial.repeats,
    wallMs: trial.wallMs,
  };
}

const describe = (trial: Trial) =>
  Object.entries(trial.params)
    .map(([k, v]) => `${k.split('.').at(-1)}=${String(v)}`)
    .join(' ') || 'as written';

function formatResult(result: TuneResult): string {
  const toLoss = result.objective === 'time_to_loss';
  const lines = [
    `Trials: ${result.trials.length} in ${(result.elapsedMs / 1000).toFixed(0)} s (${result.stoppedBy === 'budget' ? 'the budget ran out' : 'searched the space'})`,
    '',
    `   #  phase       status   samples/s${toLoss ? '  to loss s' : ''}   p50 ms   p90 ms  peak MiB  settings`,
  ];
  for (const t of result.trials)
    lines.push(
      `${String(t.id).padStart(4)}  ${t.phase.padEnd(10)}  ${t.status.padEnd(7)} ${t.samplesPerSec.toFixed(0).padStart(10)}${toLoss ? (t.timeToLossMs !== undefined ? (t.timeToLossMs / 1000).toFixed(2) : '–').padStart(11) : ''} ${t.stepMs.p50.toFixed(2).padStart(8)} ${t.stepMs.p90.toFixed(2).padStart(8)} ${(t.peakMemoryBytes / 1024 ** 2).toFixed(1).padStart(9)}  ${describe(t)}${t.reason ? ` (${t.reason})` : ''}`,
    );
  const value = (t: Trial) =>
    toLoss
      ? `${((t.timeToLossMs ?? 0) / 1000).toFixed(2)} s to the target loss`
      : `${t.samplesPerSec.toFixed(0)} samples/s`;
  lines.push(
    '',
    `Baseline: ${value(result.baseline)} (${describe(result.baseline)})`,
    `Best:     ${value(result.best)} (${describe(result.best)}): ${result.speedup}× the baseline`,
  );
  for (const note of result.notes) lines.push(`Note: ${note}`);
  lines.push('', result.diff ? result.diff.trimEnd() : 'No change: the config as written was the fastest.');
  return `${lines.join('\n')}\n`;
}

/** `trainlens tune <config>`: short measured trials; the fastest config that fits, as a diff (and `--write`). */
export function addTuneCommand(program: Command, io: CliIo, engineDir: string): void {
  program
    .command('tune')
    .argument('<config>', 'training config YAML')
    .summary('run short measured trials and propose the fastest config that fits')
    .description(
      'Measure the config as written, then find the batch size (doubling until out of memory, the memory cap or no\n' +
        'more gain, bisecting, backing off by a safety margin), then the other settings (prefetch, workers,\n' +
        'backend, log interval; tuning.search lists your own values) by successive halving with early stopping.\n' +
        'Each trial is a short real run in a fresh engine process; its records stay in .trainlens/tuning. Prints\n' +
        'every trial, the baseline, the best with its speedup and the diff of your YAML; --write applies it.',
    )
    .option('--budget <seconds>', 'time for all trials (default: tuning.budget_seconds, else 300)')
    .option('--objective <objective>', 'throughput (samples/s under the memory cap) or time-to-loss', 'throughput')
    .option('--target-loss <loss>', 'the loss to reach for --objective time-to-loss (default: tuning.target_loss)')
    .option('--measure-steps <n>', 'steps measured per trial (default: tuning.trials.measure_steps, else 30)')
    .option('--write', 'write the best config into the file')
    .option('--json', 'print one JSON document')
    .action(async (config: string, options: TuneOptions) => {
      if (options.objective !== 'throughput' && options.objective !== 'time-to-loss')
        throw new CliError(
          `--objective ${options.objective} is not an objective.`,
          ExitCode.usage,
          'Use throughput or time-to-loss.',
        );
      const targetLoss = options.targetLoss !== undefined ? Number(options.targetLoss) : undefined;
      if (targetLoss !== undefined && !(targetLoss > 0))
        throw new CliError(`--target-loss must be a positive number, not "${options.targetLoss}".`, ExitCode.usage);
      const budget = positiveInt(options.budget, '--budget');
      const measureSteps = positiveInt(options.measureSteps, '--measure-steps');
      const configPath = checkConfigReadable(config);
      const enginePath = join(engineDir, 'engine.js');
      const probe = await EngineClient.start({ enginePath, clientName: 'trainlens-tune' });
      const environment = probe.info.environment;
      await probe.shutdown();
      const total = budget ?? 300;
      const progress = createProgress(io, total, 'tune');
      const started = Date.now();
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.on('SIGINT', onSigint);
      let result: TuneResult;
      try {
        result = await tune({
          configPath,
          enginePath,
          environment: { backends: environment.backends, cores: environment.cpu.cores },
          ...(budget ? { budgetSeconds: budget } : {}),
          ...(options.objective === 'time-to-loss' ? { objective: 'time_to_loss' as const } : {}),
          ...(targetLoss !== undefined ? { targetLoss } : {}),
          ...(measureSteps ? { measureSteps } : {}),
          signal: controller.signal,
          onMessage: (message) => progress.log(message),
          onTrial: (trial) => {
            progress.log(
              `trial ${trial.id} (${trial.phase}): ${trial.status}${trial.status === 'ok' ? `, ${trial.samplesPerSec.toFixed(0)} samples/s${trial.timeToLossMs !== undefined ? `, ${(trial.timeToLossMs / 1000).toFixed(2)} s to the target loss` : ''}` : trial.reason ? `: ${trial.reason}` : ''} [${describe(trial)}]`,
            );
            progress.update(Math.min(total, Math.round((Date.now() - started) / 1000)), `${trial.id} trials`);
          },
        });
      } catch (error) {
        if (error instanceof TuneError) throw new CliError(error.message, ExitCode.problems);
        if (controller.signal.aborted) throw new CliError('tuning cancelled; its trials were removed.', ExitCode.usage);
        throw error;
      } finally {
        process.off('SIGINT', onSigint);
        progress.stop();
      }
      if (options.write && result.diff) {
        replaceFile(configPath, result.bestText, 'the best settings into the config');
        io.stderr(`tune: wrote the best settings into ${configPath}\n`);
      }
      if (options.json)
        io.stdout(
          `${JSON.stringify(
            {
              objective: result.objective,
              baseline: contractTrial(result.baseline),
              best: contractTrial(result.best),
              speedup: result.speedup,
              trials: result.trials.map(contractTrial),
              diff: result.diff,
              notes: result.notes,
              stoppedBy: result.stoppedBy,
              elapsedMs: result.elapsedMs,
            },
            null,
            2,
          )}\n`,
        );
      else io.stdout(formatResult(result));
    });
}
