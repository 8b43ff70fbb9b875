/**
 * Benchmark: the cost of measuring. The same loop (quickstart MLP, batch 128, 300 steps, wasm) with and without the
 * memory monitor sampling every step (the most it can sample; runs use 500 ms), alternated in one process.
 * Prints the overhead in % of step time.   npm run bench:overhead
 */
import { join } from 'node:path';
import { selectBackend } from '../src/engine/backends/select';
import { BatchIterator } from '../src/engine/data/batches';
import { PreparedBatches } from '../src/engine/data/prepared';
import { probeEnvironment } from '../src/engine/environment/probe';
import { buildModel } from '../src/engine/model/build';
import { runLoop } from '../src/engine/train/loop';
import { mlpConfig, mlpData } from './mlpSetup';
import { MemoryMonitor } from '../src/engine/train/memoryMonitor';

const BATCH = 128;
const STEPS = 300;
const config = mlpConfig(BATCH, STEPS);

async function measure(withMonitor: boolean): Promise<number> {
  const data = mlpData(BATCH, STEPS);
  const model = buildModel(config.model, { task: 'classification' });
  const memory = withMonitor
    ? new MemoryMonitor({
        intervalMs: 0,
        limitBytes: 64 * 1024 ** 3,
        warnAt: 0.9,
        actAt: 0.95,
        onSample: () => undefined,
      })
    : undefined;
  const result = await runLoop({
    config,
    model,
    batches: new PreparedBatches(new BatchIterator(data, BATCH, true, 1), { prefetch: 0, workers: 0 }),
    totalSteps: STEPS,
    ...(memory ? { memory } : {}),
  });
  model.dispose();
  const sorted = [...result.stepTimesMs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!; // median step time
}

async function main(): Promise<void> {
  const environment = await probeEnvironment({ engineDir: join(__dirname, '..', 'dist') });
  const backend = await selectBackend({ requested: 'wasm', environment, engineDir: join(__dirname, '..', 'dist') });
  await measure(false);
  await measure(true);
  const off: number[] = [];
  const on: number[] = [];
  for (let i = 0; i < 9; i++) {
    off.push(await measure(false));
    on.push(await measure(true));
  }
  // The same cost measured directly: the monitor's work at a step boundary (three phase marks and endStep, sampling
  // every time), repeated, against the median step time. Immune to the step-time noise of a busy machine.
  const monitor = new MemoryMonitor({ intervalMs: 0, limitBytes: 64 * 1024 ** 3, warnAt: 0.9, actAt: 0.95 });
  const calls = 20000;
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    monitor.mark('data');
    monitor.mark('forward_backward');
    monitor.mark('optimizer');
    monitor.endStep(i);
  }
  const perStepMs = (performance.now() - started) / calls;
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const overhead = (median(on) / median(off) - 1) * 100;
  process.stdout.write(
    `backend ${backend.name}, MLP 64-256-256-10, batch ${BATCH}; median step time, median of 9 alternated runs\n` +
      `without memory monitor: ${median(off).toFixed(3)} ms (${off.map((v) => v.toFixed(3)).join(', ')})\n` +
      `with monitor sampling every step: ${median(on).toFixed(3)} ms (${on.map((v) => v.toFixed(3)).join(', ')})\n` +
      `overhead: ${overhead.toFixed(2)}% of step time (target ≤ 2%)\n` +
      `direct: the monitor's work per step ${(perStepMs * 1000).toFixed(1)} µs = ${((perStepMs / median(off)) * 100).toFixed(2)}% of the median step\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
