/**
 * Benchmark: how long each training step waits for its data, with batches prepared on the training thread, ahead
 * while it is idle (prefetch), and in worker threads. Workload: 32×32×3 "images" (3,072 values per sample), an MLP
 * 3072-128-10, batch 256, on the wasm backend: copying a batch's rows (3 MiB) is a visible part of a step.
 * The runs alternate in one process; each line is the median of 3 runs.
 *
 *   npm run bench:data
 */
import { join } from 'node:path';
import type { TrainConfig } from '../src/config/types';
import { selectBackend } from '../src/engine/backends/select';
import { BatchIterator } from '../src/engine/data/batches';
import { PreparedBatches, type PrepareOptions } from '../src/engine/data/prepared';
import { createSyntheticData } from '../src/engine/data/synthetic';
import { probeEnvironment } from '../src/engine/environment/probe';
import { buildModel } from '../src/engine/model/build';
import { runLoop } from '../src/engine/train/loop';

const BATCH = 256;
const STEPS = 120;
const config: TrainConfig = {
  version: 1,
  model: { preset: 'mlp', input_shape: [32, 32, 3], hidden: [128], outputs: 10 },
  data: { source: 'synthetic', batch_size: BATCH },
  training: { optimizer: { name: 'adam', learning_rate: 0.001 }, loss: 'categorical_crossentropy', steps: STEPS },
  optimization: { level: 'custom', nan_guard: 'off' },
  monitoring: { log_every: 50 },
};
const data = createSyntheticData({
  samples: 4096,
  inputShape: [32, 32, 3],
  outputs: 10,
  task: 'classification',
  seed: 1,
});

async function measure(options: PrepareOptions): Promise<{ wait: number; step: number; rate: number }> {
  const model = buildModel({ ...config.model, input_shape: [3072] }, { task: 'classification' });
  const flat = { ...data, inputShape: [3072] };
  const batches = new PreparedBatches(new BatchIterator(flat, BATCH, true, 1), options);
  const result = await runLoop({ config, model, batches, totalSteps: STEPS });
  await batches.dispose();
  model.dispose();
  const mean = (v: readonly number[]) => v.slice(10).reduce((a, b) => a + b, 0) / (v.length - 10);
  return { wait: mean(result.dataWaitMs), step: mean(result.stepTimesMs), rate: result.samplesPerSec };
}

async function main(): Promise<void> {
  const engineDir = join(__dirname, '..', 'dist');
  const backend = await selectBackend({
    requested: 'wasm',
    environment: await probeEnvironment({ engineDir }),
    engineDir,
  });
  const settings: Array<[string, PrepareOptions]> = [
    ['on the training thread (prefetch 0, workers 0)', { prefetch: 0, workers: 0 }],
    ['ahead while idle      (prefetch 2, workers 0)', { prefetch: 2, workers: 0 }],
    ['in workers            (prefetch 2, workers 2)', { prefetch: 2, workers: 2 }],
  ];
  for (const [, options] of settings) await measure(options); // warm-up
  const runs = settings.map(() => [] as Array<{ wait: number; step: number; rate: number }>);
  for (let round = 0; round < 3; round++)
    for (let i = 0; i < settings.length; i++) runs[i]!.push(await measure(settings[i]![1]));
  const median = (rows: Array<{ wait: number; step: number; rate: number }>) =>
    [...rows].sort((a, b) => a.wait - b.wait)[1]!;
  const base = median(runs[0]!);
  process.stdout.write(
    `backend ${backend.name}; MLP 3072-128-10, batch ${BATCH}, ${STEPS} steps; data wait and step time per step (mean after 10 steps), median of 3\n` +
      settings
        .map(([name], i) => {
          const m = median(runs[i]!);
          return `${name}: data wait ${m.wait.toFixed(3)} ms of ${m.step.toFixed(2)} ms (${((m.wait / m.step) * 100).toFixed(1)}%), ${m.rate.toFixed(0)} samples/s, ${(m.rate / base.rate).toFixed(2)}× the first`;
        })
        .join('\n') +
      '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
