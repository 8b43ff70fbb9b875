import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RunFailure } from '../engineClient/runSession';
import { ExitCode, formatCliError } from './errors';
import { describeRunFailure, failedRunError, runFailureError } from './runFailure';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-cli-failure-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A run folder whose run.json says the run failed with `failure`. */
function failedRun(name: string, failure: object | undefined): string {
  const runDir = join(dir, name);
  const record = {
    recordVersion: 1,
    id: name,
    status: 'failed',
    enginePid: 1,
    host: 'h',
    ...(failure ? { failure } : {}),
  };
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir);
  writeFileSync(join(runDir, 'run.json'), JSON.stringify(record));
  return runDir;
}

test('a failure says its kind, step and phase before the message', () => {
  assert.equal(
    describeRunFailure({ kind: 'oom', step: 3, phase: 'forward_backward', message: 'out of memory in step 3' }),
    'the run failed (kind oom, step 3, phase forward_backward): out of memory in step 3.',
  );
  assert.equal(
    describeRunFailure({ kind: 'internal', message: 'the engine stopped during the run: killed' }),
    'the run failed (kind internal): the engine stopped during the run: killed.',
  );
  // Input problems name their file and line in the message: the place the user needs, printed as it is.
  assert.equal(
    describeRunFailure({ kind: 'data', step: 1, message: 'line 3: column "x3" holds "", not a number.' }),
    'the run failed: line 3: column "x3" holds "", not a number.',
  );
});

test('a run that ends with status failed (the NaN guard) prints why, from its run.json', () => {
  const runDir = failedRun('nan', { kind: 'nan', step: 8, message: 'the loss became NaN at step 8.' });
  const summary = {
    runDir,
    backend: 'wasm',
    status: 'failed',
    steps: 7,
    samplesPerSec: 1,
    peakMemoryBytes: 1,
    finalLoss: 1,
  } as const;
  const error = failedRunError(summary, 'train.yaml');
  assert.equal(error.exitCode, ExitCode.problems);
  assert.equal(
    formatCliError(error),
    'trainlens: train.yaml: the run failed (kind nan, step 8): the loss became NaN at step 8.\n',
  );
  // A record without a failure still says where to look, never just "Run failed".
  const bare = failedRunError({ ...summary, runDir: failedRun('bare', undefined) }, 'train.yaml');
  assert.match(formatCliError(bare), /the run failed \(kind internal\): .*run\.json says the run failed but not why\./);
});

test("the engine's run/failed gets its phase from run.json", () => {
  const runDir = failedRun('oom', { kind: 'oom', step: 2, phase: 'optimizer', message: 'out of memory' });
  const error = runFailureError(new RunFailure('out of memory', undefined, undefined, 'oom', 2), runDir);
  assert.equal(
    formatCliError(error),
    'trainlens: the run failed (kind oom, step 2, phase optimizer): out of memory.\n',
  );
  const file = runFailureError(new RunFailure('bad row', '/d/data.csv', 'data.path', 'data', 1), runDir);
  assert.equal(formatCliError(file), 'trainlens: /d/data.csv: the run failed: bad row.\n');
});
