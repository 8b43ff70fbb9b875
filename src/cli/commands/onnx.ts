import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildProfileView } from '../../analysis/view';
import { EngineClient } from '../../engineClient/engineClient';
import { OnnxError } from '../../onnx/errors';
import { profileOnnx } from '../../onnx/profile';
import type { OnnxReport } from '../../onnx/types';
import { tuneOnnx } from '../../tuner/onnx/tuneOnnx';
import { CliError, ExitCode } from '../errors';
import { checkOutputPath, writeOutputFile } from '../files';
import { readProfileBundle, renderReportHtml } from '../htmlReport';
import type { CliIo } from '../io';
import { collect, inputSpec, objectiveOf } from '../onnxFlags';
import { formatOnnxReport } from '../onnxText';
import { positiveInt } from './run';

interface OnnxOptions {
  readonly runs?: string;
  readonly warmup?: string;
  readonly time?: string;
  readonly dim: string[];
  readonly input: string[];
  readonly inputs?: string;
  readonly provider: string;
  readonly tune?: boolean;
  readonly objective: string;
  readonly budget?: string;
  readonly html?: string;
  readonly out?: string;
  readonly json?: boolean;
}

/** The contract's JSON: the report without the embedded analysis's tables the text already has. */
function contractJson(report: OnnxReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `trainlens onnx <model.onnx>`: latency, per-op and per-node time from ORT's profiler, findings, and tuning. */
export function addOnnxCommand(program: Command, io: CliIo, engineDir: string): void {
  program
    .command('onnx')
    .argument('<model.onnx>', 'an ONNX model')
    .summary('profile an ONNX model with ONNX Runtime, and tune its session options')
    .description(
      "Read the model (inputs, outputs, opsets, nodes by op type, weights; the node count after ORT's graph\n" +
        'optimizations), feed it seeded inputs (or real ones with --inputs), discard warm-up runs, measure\n' +
        "latency percentiles, then profile the same runs with ORT's own profiler for per-op and per-node time\n" +
        'and findings. --tune searches threads, execution mode, graph optimization, memory pattern, arena and\n' +
        'provider with measured trials (each a fresh session) and re-measures the best against the defaults side\n' +
        'by side. Exit 0 when profiled, 2 when the model or the flags cannot be used.',
    )
    .option('--runs <n>', 'measured runs (default 50)')
    .option('--warmup <n>', 'warm-up runs, not measured (default 5)')
    .option('--time <seconds>', 'measure for this long instead of a number of runs (at most --runs, default 100000)')
    .option('--dim <name=size>', 'size of a symbolic dim (repeatable)', collect, [])
    .option('--input <name=D1xD2…>', 'the whole shape of an input (repeatable)', collect, [])
    .option('--inputs <file>', 'real input values: a .json (name → nested array) or a .npy file (the first input)')
    .option('--provider <name>', 'execution provider: cpu, cuda, tensorrt, … (see trainlens doctor)', 'cpu')
    .option('--tune', 'also tune the session options')
    .option('--objective <objective>', 'what --tune optimizes: latency or throughput', 'latency')
    .option('--budget <seconds>', 'time for --tune (default 60)')
    .option('--html <file>', 'also write a standalone HTML report')
    .option('--out <dir>', "keep ORT's profile, onnx.json and the tuned options file in this folder")
    .option('--json', 'print one JSON document')
    .action(async (model: string, options: OnnxOptions) => {
      const runs = positiveInt(options.runs, '--runs');
      const warmup = options.warmup === '0' ? 0 : positiveInt(options.warmup, '--warmup');
      const budget = positiveInt(options.budget, '--budget') ?? 60;
      const time = positiveInt(options.time, '--time');
      const objective = objectiveOf(options.objective);
      if (options.html) checkOutputPath(options.html, 'the report');
      const bundle = options.html ? readProfileBundle() : undefined;
      const request = {
        modelPath: resolve(model),
        session: { provider: options.provider },
        inputs: inputSpec(options.dim, options.input, options.inputs),
        ...(runs ? { runs } : time ? { runs: 100_000 } : {}),
        ...(time ? { budgetMs: time * 1000 } : {}),
        ...(warmup !== undefined ? { warmup } : {}),
        ...(options.out ? { outDir: resolve(options.out) } : {}),
      };
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const client = await EngineClient.start({
        enginePath: join(engineDir, 'engine.js'),
        clientName: 'trainlens-onnx',
      });
      const hooks = { signal: controller.signal, onMessage: (message: string) => io.stderr(`${message}\n`) };
      let report: OnnxReport;
      try {
        const profiled = await profileOnnx(client, request, hooks);
        report = profiled.report;
        if (options.tune)
          report = {
            ...report,
            tuning: await tuneOnnx(client, { ...request, objective, budgetMs: budget * 1000 }, hooks),
          };
        if (options.html && bundle) {
          writeOutputFile(options.html, renderReportHtml(buildProfileView(profiled.profile), bundle), 'the report');
          io.stderr(`onnx: report written to ${options.html}; open it in a browser\n`);
        }
      } catch (error) {
        if (error instanceof OnnxError)
          throw new CliError(error.message, error.kind === 'cancelled' ? ExitCode.problems : ExitCode.usage);
        throw error;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await client.shutdown();
      }
      io.stdout(options.json ? contractJson(report) : formatOnnxReport(report));
    });
}
