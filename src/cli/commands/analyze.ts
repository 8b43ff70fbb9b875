import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { analyzeProfile, loadProfile } from '../../analysis/analyze';
import { formatReport } from '../textReport';
import { TraceError } from '../../analysis/ingest/traceReader';
import { CliError, ExitCode } from '../errors';
import { writeHtmlReport } from '../htmlReport';
import { checkOutputPath, writeOutputFile } from '../files';
import type { CliIo } from '../io';
import { isRunFolder } from '../../analysis/distributed/folder';
import { analyzeFolder } from './analyzeFolder';

interface AnalyzeOptions {
  readonly format: string;
  readonly out?: string;
}

/** `trainlens analyze <trace-file>`: the profile's steps, breakdown, top kernels and operators, and findings. */
export function addAnalyzeCommand(program: Command, io: CliIo): void {
  program
    .command('analyze')
    .argument(
      '<trace-file|trace-dir|run-dir>',
      'a Kineto/PyTorch profiler trace (.json, .json.gz), ONNX Runtime profile or Chrome trace, a trace folder (tensorboard_trace_handler) or a TrainLens run',
    )
    .summary('analyse a Kineto/PyTorch, ONNX Runtime or Chrome trace')
    .description(
      'Read a trace in a streaming pass (gzip or plain; the kind is recognized from its events), split each step\n' +
        "into categories (Kineto: the PyTorch profiler plugin's kernel > memcpy > memset > communication > runtime >\n" +
        'dataloader > cpu_exec > other, overlap counted once), list the top kernels and operators, and report\n' +
        'findings with their evidence and thresholds. A trace folder of several ranks is analysed as a job, rank by\n' +
        'rank: per-rank step time and breakdown, the straggler, communication/computation overlap (as HTA defines it),\n' +
        'the collectives. Exit 0 when analysed, 2 when the file cannot be read.',
    )
    .option('--format <format>', 'text, json or html (a standalone report; needs --out)', 'text')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .action(async (file: string, options: AnalyzeOptions) => {
      if (options.format !== 'text' && options.format !== 'json' && options.format !== 'html')
        throw new CliError(`--format ${options.format} is not a format.`, ExitCode.usage, 'Use text, json or html.');
      if (options.out) checkOutputPath(options.out, 'the report');
      if (options.format === 'html') {
        if (!options.out) throw new CliError('--format html writes a file: give it with --out FILE.', ExitCode.usage);
        await writeHtmlReport(file, options.out, io);
        return;
      }
      if (isTraceDir(file)) {
        const format = options.format === 'json' ? 'json' : 'text';
        const text = await analyzeFolder(resolve(file), format, io).catch(usageError);
        return emit(text, options, io);
      }
      let lastReported = 0;
      const profile = await loadProfile(resolve(file), (bytes) => {
        if (bytes - lastReported < 64 * 1024 * 1024) return;
        lastReported = bytes;
        io.stderr(`analyze: ${(bytes / 1024 / 1024).toFixed(0)} MB read\n`);
      }).catch(usageError);
      const report = analyzeProfile(profile);
      emit(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report), options, io);
    });
}

/** A folder that is not a TrainLens run: a trace folder (or one that is refused as such, saying why). */
function isTraceDir(path: string): boolean {
  try {
    return statSync(path).isDirectory() && !isRunFolder(path);
  } catch {
    return false;
  }
}

/** A trace that cannot be read is a usage error naming the file. */
function usageError(error: unknown): never {
  if (error instanceof TraceError)
    throw new CliError(`${error.message}.`, ExitCode.usage, undefined, { file: error.file });
  throw error;
}

function emit(text: string, options: AnalyzeOptions, io: CliIo): void {
  if (options.out) {
    writeOutputFile(options.out, text, 'the report');
    io.stderr(`analyze: report written to ${options.out}\n`);
  } else io.stdout(text);
}
