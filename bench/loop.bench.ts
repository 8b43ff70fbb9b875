/**
 * Benchmark: the TrainLens engine against plain `model.fit` on the same model (the quickstart MLP, 64-256-256-10),
 * the same synthetic data, the same backend and batch, in one process, alternating A/B/C.
 *
 *  - model.fit on stock TF.js: what a user gets without TrainLens;
 *  - model.fit with the engine's kernel fix (wasm: untransposed matmuls, see src/engine/backends/kernelFixes.ts),
 *    to show how much of the gain is the kernels and how much is the loop;
 *  - the TrainLens loop as the engine runs it.
 *
 * Prints samples/s for each and the ratios.   npm run bench:loop [-- --backend cpu]
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { probeEnvironment } from '../src/engine/environment/probe';
import { selectBackend } from '../src/engine/backends/select';
import { installWasmMatMulFix, uninstallWasmMatMulFix } from '../src/engine/backends/kernelFixes';
import { BatchIterator } from '../src/engine/data/batches';
import { PreparedBatches } from '../src/engine/data/prepared';
import { buildModel } from '../src/engine/model/build';
import { runLoop } from '../src/engine/train/loop';
import { mlpConfig, mlpData } from './mlpSetup';

const BATCH = 128;
const STEPS = 300;
const backendArg = process.argv.indexOf('--backend');
const requested = (backendArg > 0 ? process.argv[backendArg + 1] : 'wasm') as 'wasm' | 'cpu';

const config = mlpConfig(BATCH, STEPS);

async function timeFit(stock: boolean): Promise<number> {
  if (stock) uninstallWasmMatMulFix();
  const data = mlpData(BATCH, STEPS);
  const model = buildModel(config.model, { task: 'classification' });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor2d(data.features, [data.size, 64]);
  const ys = tf.tensor2d(data.targets, [data.size, 10]);
  const started = performance.now();
  await model.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([xs, ys]);
  model.dispose();
  if (stock) installWasmMatMulFix();
  return (BATCH * STEPS) / seconds;
}

async function timeLoop(): Promise<number> {
  const data = mlpData(BATCH, STEPS);
  const model = buildModel(config.model, { task: 'classification' });
  const result = await runLoop({
    config,
    model,
    batches: new PreparedBatches(new BatchIterator(data, BATCH, true, 1), { prefetch: 0, workers: 0 }),
    totalSteps: STEPS,
  });
  model.dispose();
  return result.samplesPerSec;
}

async function main(): Promise<void> {
  const environment = await probeEnvironment({ engineDir: join(__dirname, '..', 'dist') });
  const backend = await selectBackend({ requested, environment, engineDir: join(__dirname, '..', 'dist') });
  await timeFit(true); // warm-up: kernels compiled, memory pools filled
  await timeFit(false);
  await timeLoop();
  const fit: number[] = [];
  const fitFixed: number[] = [];
  const loop: number[] = [];
  for (let i = 0; i < 5; i++) {
    fit.push(await timeFit(true));
    fitFixed.push(await timeFit(false));
    loop.push(await timeLoop());
  }
  const best = (values: number[]) => Math.max(...values);
  const row = (values: number[]) =>
    `${best(values).toFixed(0).padStart(6)} samples/s  (${values.map((v) => v.toFixed(0)).join(', ')})`;
  process.stdout.write(
    `backend ${backend.name}, MLP 64-256-256-10, batch ${BATCH}, ${STEPS} steps per measurement, best of 5\n` +
      `model.fit (stock TF.js):        ${row(fit)}\n` +
      `model.fit + engine kernel fix:  ${row(fitFixed)}\n` +
      `TrainLens engine (loop + fix):  ${row(loop)}\n` +
      `ratio engine / stock model.fit: ${(best(loop) / best(fit)).toFixed(2)}× (target ≥ 1.2×)\n` +
      `  of which kernels (fit + fix / fit): ${(best(fitFixed) / best(fit)).toFixed(2)}×, ` +
      `loop (engine / fit + fix): ${(best(loop) / best(fitFixed)).toFixed(2)}×\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
