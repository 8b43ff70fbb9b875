/**
 * Benchmark: the TrainLens training loop against plain `model.fit` on the same model (the quickstart MLP,
 * 64-256-256-10), the same synthetic data, the same backend and batch, in one process, alternating A/B/A/B.
 * Prints samples/s for each and the ratio.   npm run bench:loop [-- --backend cpu]
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { probeEnvironment } from '../src/engine/environment/probe';
import { selectBackend } from '../src/engine/backends/select';
import { BatchIterator } from '../src/engine/data/batches';
import { buildModel } from '../src/engine/model/build';
import { runLoop } from '../src/engine/train/loop';
import { mlpConfig, mlpData } from './mlpSetup';

const BATCH = 128;
const STEPS = 300;
const backendArg = process.argv.indexOf('--backend');
const requested = (backendArg > 0 ? process.argv[backendArg + 1] : 'wasm') as 'wasm' | 'cpu';

const config = mlpConfig(BATCH, STEPS);

async function timeFit(): Promise<number> {
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
  return (BATCH * STEPS) / seconds;
}

async function timeLoop(): Promise<number> {
  const data = mlpData(BATCH, STEPS);
  const model = buildModel(config.model, { task: 'classification' });
  const result = await runLoop({ config, model, batches: new BatchIterator(data, BATCH, true, 1), totalSteps: STEPS });
  model.dispose();
  return result.samplesPerSec;
}

async function main(): Promise<void> {
  const environment = await probeEnvironment({ engineDir: join(__dirname, '..', 'dist') });
  const backend = await selectBackend({ requested, environment, engineDir: join(__dirname, '..', 'dist') });
  await timeFit(); // warm-up: kernels compiled, memory pools filled
  await timeLoop();
  const fit: number[] = [];
  const loop: number[] = [];
  for (let i = 0; i < 3; i++) {
    fit.push(await timeFit());
    loop.push(await timeLoop());
  }
  const best = (values: number[]) => Math.max(...values);
  process.stdout.write(
    `backend ${backend.name}, MLP 64-256-256-10, batch ${BATCH}, ${STEPS} steps per measurement, best of 3\n` +
      `model.fit:      ${best(fit).toFixed(0)} samples/s  (${fit.map((v) => v.toFixed(0)).join(', ')})\n` +
      `TrainLens loop: ${best(loop).toFixed(0)} samples/s  (${loop.map((v) => v.toFixed(0)).join(', ')})\n` +
      `ratio loop / fit: ${(best(loop) / best(fit)).toFixed(2)}× (target ≥ 1.2×)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
