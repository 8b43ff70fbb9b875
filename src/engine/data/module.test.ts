import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { deterministicMetrics } from '../../../test/support/metrics';
import type { TrainConfig } from '../../config/types';
import { probeEnvironment } from '../environment/probe';
import { runTraining } from '../run/runTraining';
import { openDataModule, readDataModule } from './module';

const fixtures = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'modules');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-module-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const shape = { inputShape: [3], targetWidth: 3, task: 'classification' as const };
const context = (split: 'train' | 'validation' = 'train') => ({
  tf,
  split,
  seed: 42,
  batchSize: 8,
  config: { data: { source: 'module', batch_size: 8 } } as unknown as TrainConfig,
});
/** The real environment probe; no GPU exists on the test machines, so nvidia-smi's answer is the recorded "none". */
const noGpuEnvironment = () =>
  probeEnvironment({ queryGpus: () => Promise.resolve({ gpus: [], reason: 'no GPU on the test machine' }) });

test('CommonJS and ES data modules load; samples as arrays, class indices, tensors and one-hot rows', async () => {
  await tf.setBackend('cpu');
  const cjs = await readDataModule((await openDataModule(join(fixtures, 'counting.cjs'), context()))!, shape, 'x');
  assert.equal(cjs.size, 90);
  assert.deepEqual(
    Array.from(cjs.features.subarray(3, 6)).map((v) => +v.toFixed(4)),
    [0.0111, 0.0056, 0.42],
  );
  assert.deepEqual(Array.from(cjs.targets.subarray(3, 6)), [0, 1, 0]);
  const tensors = tf.memory().numTensors;
  const esm = await readDataModule((await openDataModule(join(fixtures, 'counting.mjs'), context()))!, shape, 'x');
  assert.deepEqual(Array.from(esm.targets.subarray(3, 6)), [0, 1, 0]);
  assert.deepEqual(esm.features, cjs.features);
  assert.equal(tf.memory().numTensors, tensors, 'sample tensors are disposed once copied');
  assert.equal(await openDataModule(join(fixtures, 'counting.mjs'), context('validation')), undefined);
});

test('a data module that fails says how, naming the module and the line or sample', async () => {
  await tf.setBackend('cpu');
  const open = (name: string) => openDataModule(join(fixtures, name), context());
  const read = async (name: string) => readDataModule((await open(name))!, shape, join(fixtures, name));
  await assert.rejects(open('throws-on-load.cjs'), (error: Error) => {
    assert.match(
      error.message,
      /throws-on-load\.cjs: the data module threw while loading: cannot open \/datasets\/imagenet \(.*throws-on-load\.cjs:2:\d+\)/,
    );
    return true;
  });
  await assert.rejects(
    open('throws-in-function.cjs'),
    /function threw for the train split: Cannot read properties of undefined.*throws-in-function\.cjs:2:\d+/,
  );
  await assert.rejects(open('no-function.cjs'), /exports no function; export `default function \(context\)/);
  await assert.rejects(
    open('not-a-dataset.cjs'),
    /returned an object that is not a tf\.data\.Dataset; build it with context\.tf\.data/,
  );
  await assert.rejects(
    read('throws-in-dataset.cjs'),
    /dataset threw at sample 7: corrupt record 6 \(.*throws-in-dataset\.cjs:4:\d+\)/,
  );
  await assert.rejects(read('wrong-shape.cjs'), /sample 1: xs has 2 values but model\.input_shape \[3\] needs 3/);
  await assert.rejects(read('bad-label.cjs'), /sample 5: ys 7 is not a class index below model\.outputs \(3\)/);
});

test('a data module that calls process.exit fails clearly, naming the module; the engine keeps running', async () => {
  await tf.setBackend('cpu');
  const open = (name: string) => openDataModule(join(fixtures, name), context());
  // Before: the engine process exited (the host saw only "Pending response rejected").
  await assert.rejects(open('exits-on-load.cjs'), (error: Error) => {
    assert.match(
      error.message,
      /exits-on-load\.cjs: the data module called process\.exit\(3\) while loading \(.*exits-on-load\.cjs:2:\d+\); a data module must not exit the engine process: throw an Error instead/,
    );
    return true;
  });
  const dataset = (await open('exits-in-dataset.cjs'))!;
  await assert.rejects(
    readDataModule(dataset, shape, join(fixtures, 'exits-in-dataset.cjs')),
    /exits-in-dataset\.cjs: the data module called process\.exit\(0\) in its dataset at sample 5; a data module must not exit/,
  );
  assert.equal(process.exitCode ?? 0, 0);
});

function writeConfig(name: string, data: string, training = 'steps: 30'): string {
  const path = join(dir, `${name}.trainlens.yaml`);
  writeFileSync(
    path,
    [
      'version: 1',
      'model: { preset: mlp, input_shape: [3], hidden: [16], outputs: 3 }',
      `data: { source: module, path: ${JSON.stringify(join(fixtures, 'counting.cjs'))}, batch_size: 8, ${data} }`,
      `training: { ${training}, optimizer: { name: adam, learning_rate: 0.01 }, loss: categorical_crossentropy, validation_every: 10, seed: 3 }`,
      'optimization: { level: custom }',
      'monitoring: { log_every: 5, checkpoints: { every: 10, keep: 1 } }',
      'engine: { backend: cpu }',
      '',
    ].join('\n'),
  );
  return path;
}

const rows = deterministicMetrics;

test('a streamed module trains across epochs with the module validation split, and resumes exactly', async () => {
  const environment = await noGpuEnvironment();
  const configPath = writeConfig('stream', 'cache: false, prefetch: 2, workers: 1');
  const full = await runTraining({ configPath, outDir: join(dir, 'full') }, { engineDir: __dirname, environment });
  assert.equal(full.status, 'completed');
  const run = JSON.parse(readFileSync(join(full.runDir, 'run.json'), 'utf8')) as {
    resolved: { dataPipeline: { streamed: boolean }; unavailableOptimizations: string[] };
  };
  assert.equal(run.resolved.dataPipeline.streamed, true);
  assert.match(
    run.resolved.unavailableOptimizations.join('\n'),
    /data workers \(1\): not used for a streamed data module/,
  );
  const metrics = rows(full.runDir);
  assert.ok(
    metrics.some((r) => r.values['val_loss'] !== undefined),
    'validation from the module split',
  );
  // 11 full batches of 8 per 90-sample epoch: 30 steps span three epochs.
  assert.equal(
    (
      JSON.parse(readFileSync(join(full.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!) as {
        epoch: number;
      }
    ).epoch,
    2,
  );

  await runTraining({ configPath, outDir: join(dir, 'parts'), steps: 15 }, { engineDir: __dirname, environment });
  const resumed = await runTraining(
    { configPath, outDir: join(dir, 'parts'), resume: 'latest' },
    { engineDir: __dirname, environment },
  );
  assert.equal(resumed.steps, 30);
  assert.deepEqual(rows(resumed.runDir), metrics);
});

test('a cached module is read once and prepared in workers; a stream without training.steps is refused', async () => {
  const environment = await noGpuEnvironment();
  const cached = await runTraining(
    { configPath: writeConfig('cached', 'cache: true, workers: 2, prefetch: 2', 'epochs: 2') },
    { engineDir: __dirname, environment },
  );
  assert.equal(cached.status, 'completed');
  assert.equal(cached.steps, 22, '2 epochs of 11 batches (90 samples: validation comes from the module)');
  await assert.rejects(
    runTraining(
      { configPath: writeConfig('nosteps', 'cache: false', 'epochs: 2') },
      { engineDir: __dirname, environment },
    ),
    /streams its dataset \(data\.cache: false\), so the steps per epoch are unknown: set training\.steps, or data\.cache: true/,
  );
});
