/**
 * Benchmark: the tuner on examples/quickstart.yaml, against the exhaustive grid over the same space, in one run.
 *
 * 1. `tune` with its defaults (budget 120 s): baseline (the config as written) vs best, and the trial time used.
 * 2. The exhaustive grid: every batch size of the space × every combination of the other settings, each measured
 *    once with the same trial settings; its total trial time and its best.
 * 3. The two winners measured again side by side (alternating, three runs each), so the comparison of their
 *    throughput is not the luck of one noisy measurement.
 *
 * Targets (issue: tuning): best ≥ 3× the default's samples/s; the tuner reaches ≥ 95% of the grid's best
 * throughput with ≤ 20% of the grid's total trial time.
 *
 *   npm run bench:tune
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainConfig } from '../src/config/types';
import { validateConfigText } from '../src/config/validate';
import { EngineClient } from '../src/engineClient/engineClient';
import { gridPoints, searchSpaceOf } from '../src/tuner/space';
import { runTrial, type TrialOptions } from '../src/tuner/trial';
import { tune } from '../src/tuner/tuner';
import type { Params, Trial } from '../src/tuner/types';

const ROOT = join(__dirname, '..');
const ENGINE = join(ROOT, 'dist', 'engine.js');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trainlens-bench-tune-'));
  const configPath = join(dir, 'quickstart.trainlens.yaml');
  copyFileSync(join(ROOT, 'examples', 'quickstart.yaml'), configPath);
  const probe = await EngineClient.start({ enginePath: ENGINE, clientName: 'bench-tune' });
  const environment = { backends: probe.info.environment.backends, cores: probe.info.environment.cpu.cores };
  await probe.shutdown();
  try {
    // 1. The tuner.
    const result = await tune({
      configPath,
      enginePath: ENGINE,
      environment,
      budgetSeconds: 120,
      workRoot: join(dir, 'tuner'),
      onMessage: (m) => process.stdout.write(`  tuner: ${m}\n`),
    });
    const tunerMs = result.trials.reduce((a, t) => a + t.wallMs, 0);
    process.stdout.write(
      `tuner: ${result.trials.length} trials, ${(tunerMs / 1000).toFixed(1)} s of trials; baseline ${result.baseline.samplesPerSec.toFixed(0)} samples/s, best ${result.best.samplesPerSec.toFixed(0)} (${result.speedup}×) with ${JSON.stringify(result.best.params)}\n`,
    );

    // 2. The exhaustive grid over the same space.
    const text = readFileSync(configPath, 'utf8');
    const config = validateConfigText(text).config as TrainConfig;
    const space = searchSpaceOf(config, environment);
    const options: TrialOptions = {
      enginePath: ENGINE,
      baseText: text,
      configPath,
      workDir: join(dir, 'grid'),
      warmupSteps: 5,
      measureSteps: 30,
      maxRepeats: 1,
      noiseThreshold: 0.1,
      timeoutMs: 120_000,
      fixed: space.fixed,
    };
    const grid: Trial[] = [];
    const points = space.batchSizes.flatMap((batch) =>
      gridPoints(space.grid).map((p): Params => ({ ...p, 'data.batch_size': batch })),
    );
    for (const params of points) grid.push(await runTrial(options, grid.length + 1, params, 'grid'));
    const gridMs = grid.reduce((a, t) => a + t.wallMs, 0);
    const gridBest = grid
      .filter((t) => t.status === 'ok')
      .reduce((a, b) => (b.samplesPerSec > a.samplesPerSec ? b : a));
    process.stdout.write(
      `grid: ${grid.length} trials, ${(gridMs / 1000).toFixed(1)} s of trials; best ${gridBest.samplesPerSec.toFixed(0)} samples/s with ${JSON.stringify(gridBest.params)}\n`,
    );

    // 3. The two winners again, alternating.
    const again = { tuner: [] as number[], grid: [] as number[], baseline: [] as number[] };
    for (let i = 0; i < 3; i++) {
      again.tuner.push((await runTrial(options, 900 + i * 3, result.best.params, 'grid')).samplesPerSec);
      again.grid.push((await runTrial(options, 901 + i * 3, gridBest.params, 'grid')).samplesPerSec);
      again.baseline.push((await runTrial(options, 902 + i * 3, {}, 'baseline')).samplesPerSec);
    }
    const [t, g, b] = [median(again.tuner), median(again.grid), median(again.baseline)];
    process.stdout.write(
      [
        `re-measured (median of 3, alternating): tuner's best ${t.toFixed(0)}, grid's best ${g.toFixed(0)}, default ${b.toFixed(0)} samples/s`,
        `best vs default: ${(t / b).toFixed(2)}× (target ≥ 3×)`,
        `tuner vs grid: ${((100 * t) / g).toFixed(1)}% of the grid's best throughput (target ≥ 95%) using ${((100 * tunerMs) / gridMs).toFixed(1)}% of its trial time (target ≤ 20%)`,
      ].join('\n') + '\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
