import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT, trainlens } from '../support/cli';
import type { RunSummary } from '../../src/protocol/types';

const out = mkdtempSync(join(tmpdir(), 'trainlens-cli-run-'));
after(() => rmSync(out, { recursive: true, force: true }));

test('run --json trains the quickstart in the engine process and prints the contract summary', () => {
  const { code, stdout, stderr } = trainlens(
    'run',
    'examples/quickstart.yaml',
    '--steps',
    '60',
    '--out',
    out,
    '--json',
  );
  assert.equal(code, 0, stderr);
  assert.match(
    stderr,
    /^model: mlp, 85,002 parameters; backend wasm \(skipped tensorflow-gpu: not installed next to the TrainLens engine; tensorflow: not installed next to the TrainLens engine\); 60 steps$/m,
  );
  const summary = JSON.parse(stdout) as RunSummary;
  assert.deepEqual(Object.keys(summary).sort(), [
    'backend',
    'finalLoss',
    'peakMemoryBytes',
    'runDir',
    'samplesPerSec',
    'status',
    'steps',
  ]);
  assert.equal(summary.status, 'completed');
  assert.equal(summary.steps, 60);
  assert.equal(summary.backend, 'wasm');
  assert.ok(summary.samplesPerSec > 0 && summary.peakMemoryBytes > 0 && typeof summary.finalLoss === 'number');
  const run = JSON.parse(readFileSync(join(summary.runDir, 'run.json'), 'utf8')) as {
    status: string;
    resolved: { skippedBackends: Array<{ name: string; reason: string }> };
  };
  assert.equal(run.status, 'completed');
  // The record says why the faster backends were skipped.
  assert.match(run.resolved.skippedBackends[0]!.reason, /not installed/);
  assert.equal(readFileSync(join(summary.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 3);
  assert.match(stderr, /train: .*\(60\/60\)/);
});

test('an invalid config exits 1 naming the file and line:column; nothing is trained', () => {
  const bad = join(out, 'bad.trainlens.yaml');
  writeFileSync(
    bad,
    readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8').replace('name: adam', 'name: adma'),
  );
  const { code, stdout, stderr } = trainlens('run', bad, '--out', out);
  assert.equal(code, 1);
  assert.equal(stdout, '');
  assert.match(
    stderr,
    /^trainlens: .*bad\.trainlens\.yaml: 25:11: training\.optimizer\.name must be one of .* Did you mean "adam"\?/,
  );
});

test('run --profile prints the analysis after the summary; bad values are usage errors (exit 2)', () => {
  const profile = trainlens('run', 'examples/quickstart.yaml', '--profile', '--steps', '30', '--out', out);
  assert.equal(profile.code, 0, profile.stderr);
  assert.match(profile.stdout, /Run completed: 30 steps[\s\S]*Step-time breakdown \(mean per step\):\n\s+data_wait/);
  const steps = trainlens('run', 'examples/quickstart.yaml', '--steps', 'ten');
  assert.equal(steps.code, 2);
  assert.match(steps.stderr, /--steps must be a positive integer, not "ten"/);
});

test('the CSV example trains from its file; bad CSV data exits 1 naming the data file and line', () => {
  const ok = trainlens('run', 'examples/csv-classifier.trainlens.yaml', '--out', out, '--json');
  assert.equal(ok.code, 0, ok.stderr);
  const summary = JSON.parse(ok.stdout) as RunSummary;
  assert.equal(summary.status, 'completed');
  // Three well-separated blobs: the classifier learns them.
  assert.ok((summary.finalLoss ?? 1) < 0.3, `final loss ${summary.finalLoss}`);

  const csv = join(out, 'bad.csv');
  writeFileSync(csv, 'x1,x2,x3,x4,label\n1,2,3,4,0\n1,2,,4,1\n');
  const config = join(out, 'badcsv.trainlens.yaml');
  writeFileSync(
    config,
    readFileSync(join(ROOT, 'examples', 'csv-classifier.trainlens.yaml'), 'utf8').replace(
      'path: data/blobs.csv',
      `path: ${csv}`,
    ),
  );
  const bad = trainlens('run', config, '--out', out);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, `trainlens: ${csv}: the run failed: line 3: column "x3" holds "", not a number.\n`);
  // The failed run leaves a record that says why.
  const failed = readdirSync(out)
    .map((id) => join(out, id, 'run.json'))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as { status: string; reason?: string })
    .find((run) => run.status === 'failed');
  assert.match(failed?.reason ?? '', /line 3: column "x3" holds "", not a number/);
});

test('out of memory in a step exits 1 with the batch that failed and the fix; the run record says why', () => {
  // Real memory exhaustion: one 65,536 × 8,192 activation is 2 GiB, more than the wasm backend's heap can grow to.
  const config = join(out, 'oom.trainlens.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      'model: { preset: mlp, input_shape: [8], hidden: [8192], outputs: 2 }',
      'data: { source: synthetic, samples: 70000, batch_size: 65536, validation_split: 0 }',
      'training: { steps: 3, optimizer: { name: adam }, loss: categorical_crossentropy }',
      'optimization: { level: custom }',
      'engine: { backend: wasm }',
      '',
    ].join('\n'),
  );
  const runs = join(out, 'oom-runs');
  const { code, stderr } = trainlens('run', config, '--out', runs);
  assert.equal(code, 1, stderr);
  assert.match(
    stderr,
    /out of memory in step 1 with data\.batch_size 65536 \(forward\/backward; the backend said: .+\)\. Lower data\.batch_size to 32768 and set training\.gradient_accumulation: 2/,
  );
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  const [runDir] = readdirSync(runs);
  const run = JSON.parse(readFileSync(join(runs, runDir!, 'run.json'), 'utf8')) as { status: string; reason: string };
  assert.equal(run.status, 'failed');
  assert.match(run.reason, /out of memory in step 1 with data\.batch_size 65536/);
});

test('a data module that throws exits 1 naming the module, the sample and its line; the run record says why', () => {
  const module = join(ROOT, 'test', 'fixtures', 'modules', 'throws-in-dataset.cjs');
  const config = join(out, 'module.trainlens.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      'model: { preset: mlp, input_shape: [3], hidden: [4], outputs: 2 }',
      `data: { source: module, path: ${JSON.stringify(module)}, batch_size: 4, cache: true }`,
      'training: { steps: 3, optimizer: { name: adam }, loss: categorical_crossentropy }',
      '',
    ].join('\n'),
  );
  const runs = join(out, 'module-runs');
  const { code, stderr } = trainlens('run', config, '--out', runs);
  assert.equal(code, 1, stderr);
  assert.match(
    stderr,
    /throws-in-dataset\.cjs: the run failed: the data module's dataset threw at sample 7: corrupt record 6 \(.*throws-in-dataset\.cjs:4:\d+\)/,
  );
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  const [runDir] = readdirSync(runs);
  const run = JSON.parse(readFileSync(join(runs, runDir!, 'run.json'), 'utf8')) as { status: string; reason: string };
  assert.equal(run.status, 'failed');
  assert.match(run.reason, /corrupt record 6/);
});
