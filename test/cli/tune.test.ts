import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { ROOT, trainlens } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-cli-tune-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface TuneJson {
  baseline: { params: object; samplesPerSec: number; status: string };
  best: {
    params: Record<string, unknown>;
    samplesPerSec: number;
    status: string;
    stepMs: { p50: number; p90: number };
  };
  speedup: number;
  trials: Array<{ params: object; samplesPerSec: number; status: string; peakMemoryBytes: number }>;
  diff: string;
}

test('tune --json prints baseline, best, speedup, trials and the diff; --write applies it', () => {
  const config = join(dir, 'quick.trainlens.yaml');
  const original = readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8');
  writeFileSync(config, original);
  const { code, stdout, stderr } = trainlens('tune', config, '--budget', '60', '--measure-steps', '10', '--json');
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout) as TuneJson;
  assert.equal(result.baseline.status, 'ok');
  assert.deepEqual(result.baseline.params, {});
  assert.ok(
    result.trials.length >= 3 &&
      result.trials.every((t) => ['ok', 'oom', 'nan', 'timeout', 'pruned', 'failed'].includes(t.status)),
  );
  assert.ok(result.best.samplesPerSec >= result.baseline.samplesPerSec);
  assert.equal(result.speedup, Math.round((result.best.samplesPerSec / result.baseline.samplesPerSec) * 100) / 100);
  assert.ok(result.best.stepMs.p50 > 0 && result.best.stepMs.p90 >= result.best.stepMs.p50);
  // The quickstart's batch of 32 is far from the fastest on this machine: the tuner finds a larger one.
  assert.ok(result.speedup > 1.2, `speedup ${result.speedup}`);
  assert.match(result.diff, /^- {2}batch_size: 32$/m);
  assert.equal(readFileSync(config, 'utf8'), original, 'without --write the file is untouched');
  assert.match(stderr, /trial 1 \(baseline\): ok/);

  const written = trainlens('tune', config, '--budget', '40', '--measure-steps', '10', '--write');
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stdout, /Best: +\d+ samples\/s/);
  const after = parse(readFileSync(config, 'utf8')) as { data: { batch_size: number } };
  assert.ok(after.data.batch_size > 32, `batch ${after.data.batch_size}`);
  assert.match(readFileSync(config, 'utf8'), /^# TrainLens quickstart/m, 'comments kept');
});

test('tune refuses what it cannot do with a clear message', () => {
  const config = join(dir, 'objective.trainlens.yaml');
  writeFileSync(config, readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8'));
  const objective = trainlens('tune', config, '--objective', 'fastest');
  assert.equal(objective.code, 2);
  assert.match(objective.stderr, /--objective fastest is not an objective/);
  const noTarget = trainlens('tune', config, '--objective', 'time-to-loss');
  assert.equal(noTarget.code, 1);
  assert.match(
    noTarget.stderr,
    /the objective time_to_loss needs a target: set tuning\.target_loss \(or --target-loss\)/,
  );
  const broken = join(dir, 'broken.trainlens.yaml');
  writeFileSync(broken, 'version: 1\nmodel: { preset: mlp }\n');
  const bad = trainlens('tune', broken, '--budget', '20');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /broken\.trainlens\.yaml: the config has errors/);
});
