/**
 * Benchmark: training FLOP rate of the TrainLens loop as a fraction of the same backend's own matmul throughput,
 * measured in the same process. The workload is the quickstart MLP (64-256-256-10, Adam) at several batch sizes;
 * the reference is the best of plain `tf.matMul` on square and on the MLP's own shapes.
 *
 * Training FLOPs per sample count the matrix products only: forward 2·Σ(in·out), weight gradients 2·Σ(in·out),
 * input gradients 2·Σ(in·out) without the first layer (nothing needs the gradient of the data). Bias, activation,
 * loss and Adam updates are left out, so the fraction slightly understates the work done.
 *
 *   npm run bench:flops [-- --backend cpu]
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { selectBackend } from '../src/engine/backends/select';
import { BatchIterator } from '../src/engine/data/batches';
import { PreparedBatches } from '../src/engine/data/prepared';
import { probeEnvironment } from '../src/engine/environment/probe';
import { buildModel } from '../src/engine/model/build';
import { runLoop } from '../src/engine/train/loop';
import { mlpConfig, mlpData } from './mlpSetup';

const LAYERS = [64, 256, 256, 10];
const BATCHES = [32, 64, 128, 256, 512, 1024];
const SAMPLES = 32768; // per measurement, whatever the batch
const backendArg = process.argv.indexOf('--backend');
const requested = (backendArg > 0 ? process.argv[backendArg + 1] : 'wasm') as 'wasm' | 'cpu';

function trainingFlopsPerSample(): number {
  let products = 0;
  for (let i = 1; i < LAYERS.length; i++) products += LAYERS[i - 1]! * LAYERS[i]!;
  return 6 * products - 2 * LAYERS[0]! * LAYERS[1]!;
}

/** GFLOP/s of `tf.matMul` of [m,k]×[k,n], best of 5 timed batches of repetitions. */
async function matmulRate(m: number, k: number, n: number): Promise<number> {
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  const reps = Math.max(3, Math.round(2e9 / (2 * m * k * n)));
  let best = 0;
  for (let round = 0; round < 6; round++) {
    const started = performance.now();
    for (let i = 0; i < reps; i++) {
      const c = tf.matMul(a, b);
      if (i === reps - 1) await c.data(); // one read at the end: the products really ran
      c.dispose();
    }
    const seconds = (performance.now() - started) / 1000;
    if (round > 0) best = Math.max(best, (2 * m * k * n * reps) / seconds / 1e9);
  }
  tf.dispose([a, b]);
  return best;
}

async function trainingRate(batch: number): Promise<number> {
  const steps = Math.max(20, Math.floor(SAMPLES / batch));
  const config = mlpConfig(batch, steps);
  const model = buildModel(config.model, { task: 'classification' });
  const batches = new PreparedBatches(new BatchIterator(mlpData(batch, steps), batch, true, 1), {
    prefetch: 0,
    workers: 0,
  });
  const result = await runLoop({ config, model, batches, totalSteps: steps });
  model.dispose();
  await batches.dispose();
  return (result.samplesPerSec * trainingFlopsPerSample()) / 1e9;
}

async function main(): Promise<void> {
  const engineDir = join(__dirname, '..', 'dist');
  const environment = await probeEnvironment({ engineDir });
  const backend = await selectBackend({ requested, environment, engineDir });
  const shapes: Array<[number, number, number]> = [
    [512, 512, 512],
    [1024, 1024, 1024],
    [256, 256, 256],
    [512, 256, 256],
  ];
  const references = [];
  for (const [m, k, n] of shapes) references.push({ shape: `${m}×${k}·${k}×${n}`, rate: await matmulRate(m, k, n) });
  const peak = Math.max(...references.map((r) => r.rate));
  const rows = [];
  for (const batch of BATCHES) {
    await trainingRate(batch); // warm-up at this shape
    rows.push({ batch, rate: Math.max(await trainingRate(batch), await trainingRate(batch)) });
  }
  const best = rows.reduce((a, b) => (b.rate > a.rate ? b : a));
  process.stdout.write(
    `backend ${backend.name}; MLP ${LAYERS.join('-')}, ${(trainingFlopsPerSample() / 1e6).toFixed(3)} MFLOP per training sample\n` +
      `matmul reference: ${references.map((r) => `${r.shape} ${r.rate.toFixed(1)}`).join(', ')} GFLOP/s → peak ${peak.toFixed(1)} GFLOP/s\n` +
      rows
        .map(
          (r) =>
            `batch ${String(r.batch).padStart(4)}: ${r.rate.toFixed(2)} GFLOP/s = ${((r.rate / peak) * 100).toFixed(1)}% of matmul peak`,
        )
        .join('\n') +
      `\nbest batch ${best.batch}: ${((best.rate / peak) * 100).toFixed(1)}% of the backend's matmul throughput (target ≥ 60%)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
