import type { Command } from 'commander';
import { formatReport } from '../textReport';
import { writeHtmlReport } from '../htmlReport';
import type { CliIo } from '../io';
import { analyzeRun, trainConfig } from './run';
import { checkOutputPath, writeOutputFile } from '../files';
import { failedRunError } from '../runFailure';

interface ProfileOptions {
  readonly steps?: string;
  readonly backend?: string;
  readonly out?: string;
  readonly html?: string;
  readonly json?: boolean;
}

/** `trainlens profile <config>`: a run with its steps' phases recorded (trace.json), then the analysis. */
export function addProfileCommand(program: Command, io: CliIo, engineDir: string): void {
  program
    .command('profile')
    .argument('<config>', 'training config YAML')
    .summary('run with profiling on, then analyse the run')
    .description(
      "Train the config in the engine with the step profiler on (monitoring.profiling's window: warmup_steps, then\n" +
        'steps), write trace.json (Chrome trace-event format, opens in Perfetto) in the run directory, and print the\n' +
        'analysis: step-time breakdown by phase and findings with their fixes. --json prints the same object as\n' +
        '`trainlens analyze RUN_DIR --format json`.',
    )
    .option('--steps <n>', 'stop after N optimizer steps')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--html <file>', 'also write a standalone HTML report of the run')
    .option('--json', 'print the analysis as JSON')
    .action(async (config: string, options: ProfileOptions) => {
      // Found before the run, not after it.
      for (const file of [options.out, options.html]) if (file) checkOutputPath(file, 'the report');
      const summary = await trainConfig(io, engineDir, config, {
        ...(options.steps ? { steps: options.steps } : {}),
        ...(options.backend ? { backend: options.backend } : {}),
        profile: true,
      });
      io.stderr(
        `Run ${summary.status}: ${summary.steps} steps on ${summary.backend}, ${summary.samplesPerSec} samples/s. Run record: ${summary.runDir}\n`,
      );
      if (summary.status === 'failed') throw failedRunError(summary, config);
      const report = await analyzeRun(summary.runDir);
      if (options.html) await writeHtmlReport(summary.runDir, options.html, io);
      const text = options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report);
      if (options.out) {
        writeOutputFile(options.out, text, 'the report');
        io.stderr(`profile: report written to ${options.out}\n`);
      } else io.stdout(text);
    });
}
