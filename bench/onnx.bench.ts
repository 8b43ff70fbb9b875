/**
 * Benchmark: ONNX profiling and tuning on the three real models of ../shared/data/onnx (copied into
 * test/fixtures/onnx): mnist, light_squeezenet and light_resnet50, in one run.
 *
 * For each model: `profileOnnx` (plain latency, then the same runs with ORT's profiler on: per-node sum against
 * the wall latency, and the profiler's overhead), then `tuneOnnx` with a 60 s budget, whose result already holds
 * the best and ORT's defaults re-measured side by side in alternating rounds; the benchmark measures the pair once
 * more, side by side, as its own check.
 *
 * Targets (issue 14): tuned ≥ 1.2× faster than ORT's defaults on at least one model, never slower on any; per-node
 * sum within 10% of the wall latency.
 *
 *   npm run bench:onnx
 */
import { join } from 'node:path';
import { EngineClient } from '../src/engineClient/engineClient';
import { measureOnnxModel } from '../src/engineClient/onnxRequests';
import { profileOnnx } from '../src/onnx/profile';
import type { OnnxSessionOptions } from '../src/protocol/onnx';
import { describe, tuneOnnx } from '../src/tuner/onnx/tuneOnnx';

const ROOT = join(__dirname, '..');
const MODELS = ['mnist', 'light_squeezenet', 'light_resnet50'];
const BUDGET_S = Number(process.env['ONNX_BENCH_BUDGET'] ?? 60);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/** p50 latency of `options`, and of `other`, in alternating rounds (median of each side's rounds). */
async function sideBySide(client: EngineClient, modelPath: string, a: OnnxSessionOptions, b: OnnxSessionOptions) {
  const sides: [number[], number[]] = [[], []];
  for (let round = 0; round < 4; round++)
    for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const result = await measureOnnxModel(client, {
        modelPath,
        session: side === 0 ? a : b,
        inputs: {},
        warmup: 3,
        runs: 30,
      });
      sides[side as 0 | 1].push(result.latency.p50);
    }
  return { a: median(sides[0]), b: median(sides[1]) };
}

async function main(): Promise<void> {
  const client = await EngineClient.start({ enginePath: join(ROOT, 'dist', 'engine.js'), clientName: 'bench-onnx' });
  const rows: string[] = [];
  try {
    for (const name of MODELS) {
      const modelPath = join(ROOT, 'test', 'fixtures', 'onnx', `${name}.onnx`);
      const { report } = await profileOnnx(client, { modelPath, session: { provider: 'cpu' }, inputs: {}, runs: 50 });
      const tuning = await tuneOnnx(client, {
        modelPath,
        session: { provider: 'cpu' },
        inputs: {},
        objective: 'latency',
        budgetMs: BUDGET_S * 1000,
      });
      const check = await sideBySide(client, modelPath, tuning.default.options, tuning.best.options);
      rows.push(
        [
          name.padEnd(17),
          report.latencyMs.p50.toFixed(3).padStart(9),
          report.nodeSumMs.toFixed(3).padStart(9),
          `${(100 * report.nodeSumRatio).toFixed(1)}%`.padStart(8),
          `${report.profilingOverheadPercent.toFixed(1)}%`.padStart(9),
          (tuning.default.latencyMs?.p50 ?? 0).toFixed(3).padStart(10),
          (tuning.best.latencyMs?.p50 ?? 0).toFixed(3).padStart(9),
          `${tuning.speedup.toFixed(2)}×`.padStart(8),
          `${(check.a / check.b).toFixed(2)}×`.padStart(8),
          String(tuning.trials.length).padStart(6),
          `  ${describe(tuning.best.options)}`,
        ].join(' '),
      );
      process.stderr.write(`${rows.at(-1)}\n`);
    }
  } finally {
    await client.shutdown();
  }
  process.stdout.write(
    [
      `ONNX profile and tuning (budget ${BUDGET_S} s per model; latencies are p50 ms)`,
      'model              wall p50  node sum  sum/wall  overhead  default p50  best p50  speedup   check  trials  best settings',
      ...rows,
      '',
    ].join('\n'),
  );
}

void main();
