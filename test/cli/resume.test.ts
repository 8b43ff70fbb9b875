import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunRecord } from '../../src/protocol/runRecord';
import type { RunSummary } from '../../src/protocol/types';
import { trainlens, writeQuickstart } from '../support/cli';
import { deterministicMetrics } from '../support/metrics';

const out = mkdtempSync(join(tmpdir(), 'trainlens-cli-resume-'));
after(() => rmSync(out, { recursive: true, force: true }));

const run = (...args: string[]): RunSummary => {
  const result = trainlens('run', ...args, '--backend', 'cpu', '--json');
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as RunSummary;
};

test('a finished 20-step run resumed to --steps 40 has the same final loss and metrics rows as a straight 40-step run', () => {
  const first = run('examples/quickstart.yaml', '--steps', '20', '--out', join(out, 'parts'));
  assert.equal(first.status, 'completed');
  const resumed = run(
    'examples/quickstart.yaml',
    '--steps',
    '40',
    '--resume',
    first.runDir,
    '--out',
    join(out, 'parts'),
  );
  const straight = run('examples/quickstart.yaml', '--steps', '40', '--out', join(out, 'straight'));
  assert.equal(resumed.runDir, first.runDir, 'the resumed run continues the same run folder');
  assert.equal(resumed.steps, 40);
  assert.equal(resumed.finalLoss, straight.finalLoss);
  assert.deepEqual(deterministicMetrics(resumed.runDir), deterministicMetrics(straight.runDir));
  assert.deepEqual(
    deterministicMetrics(resumed.runDir).map((row) => row.step),
    [20, 40],
  );
  const record = JSON.parse(readFileSync(join(resumed.runDir, 'run.json'), 'utf8')) as RunRecord;
  assert.equal(record.status, 'completed');
  assert.equal(record.resumedFromStep, 20);
});

test('monitoring.checkpoints.dir: ../x is an error for validate (on the value) and for run (before any run folder)', () => {
  const config = writeQuickstart(join(out, 'escape.trainlens.yaml'), (text) =>
    text.replace('monitoring:\n', 'monitoring:\n  checkpoints:\n    dir: ../x\n'),
  );
  const validate = trainlens('validate', config);
  assert.equal(validate.code, 1, validate.stderr);
  assert.match(validate.stdout, /:36:10: error semantic\/path-outside-run: .*"\.\.\/x" climbs out with "\.\."/);
  const runs = join(out, 'escape-runs');
  const refused = trainlens('run', config, '--out', runs);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /escape\.trainlens\.yaml: 36:10: monitoring\.checkpoints\.dir: "\.\.\/x" climbs out/);
  assert.equal(existsSync(runs), false, 'nothing was written');
  assert.equal(existsSync(join(out, 'x')), false);
});

test('a run whose predicted step is over engine.memory_limit_mb stops before allocating, with the batch that fits; --force runs it', () => {
  const config = join(out, 'wide.trainlens.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      // A wide layer at a big batch: about 37 MB of activations and weights, over a 16 MiB limit.
      'model: { preset: mlp, input_shape: [64], hidden: [2048], outputs: 10 }',
      'data: { source: synthetic, samples: 4096, batch_size: 2048, validation_split: 0 }',
      'training: { steps: 1, optimizer: { name: adam }, loss: categorical_crossentropy }',
      'engine: { memory_limit_mb: 16 }',
      '',
    ].join('\n'),
  );
  const runs = join(out, 'wide-runs');
  const refused = trainlens('run', config, '--out', runs, '--backend', 'cpu');
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(
    refused.stderr,
    /the run failed: the predicted memory of one step, [\d.]+ MiB \(parameters .* for batch 2048, .*\), is over engine\.memory_limit_mb \(16 MiB\), so the run would run out of memory; nothing was allocated\. Lower data\.batch_size to 512 and set training\.gradient_accumulation: 4 to keep the effective batch, or run with --force to try anyway\./,
  );
  assert.doesNotMatch(refused.stderr, /^model: /m, 'no model was built');
  const [runDir] = readdirSync(runs);
  const record = JSON.parse(readFileSync(join(runs, runDir!, 'run.json'), 'utf8')) as RunRecord;
  assert.equal(record.status, 'failed');
  assert.equal(record.failure?.kind, 'config');
  assert.equal(record.failure?.path, 'data.batch_size');
  assert.equal(record.resolved, undefined, 'refused before the model and data were set up');

  const forced = trainlens('run', config, '--out', runs, '--backend', 'cpu', '--force', '--json');
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal((JSON.parse(forced.stdout) as RunSummary).status, 'completed');
});
