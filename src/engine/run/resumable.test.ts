import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { probeEnvironment } from '../environment/probe';
import { listCheckpoints, readCheckpointState } from './checkpoint';
import { runTraining } from './runTraining';

// Runs are resumable by default (a last checkpoint, time-based ones), and checkpoints stay inside the run folder
// without touching what TrainLens did not write there.
const dir = mkdtempSync(join(tmpdir(), 'trainlens-resumable-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quickstart = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'quickstart.yaml'), 'utf8');
const environment = probeEnvironment({ queryGpus: () => Promise.resolve({ gpus: [], reason: 'no GPU here' }) });

/** Writes the quickstart with `checkpoints` (YAML lines under `monitoring.checkpoints`) and returns its path. */
function config(name: string, checkpoints: string[]): string {
  const path = join(dir, `${name}.trainlens.yaml`);
  const block = checkpoints.length ? `  checkpoints:\n${checkpoints.map((l) => `    ${l}\n`).join('')}` : '';
  writeFileSync(
    path,
    quickstart
      .replace('log_every: 20', 'log_every: 5')
      .replace('enabled: true', 'enabled: false')
      .replace('monitoring:\n', `monitoring:\n${block}`),
  );
  return path;
}

const train = async (configPath: string, steps: number, out: string, resume?: string) =>
  runTraining(
    { configPath, steps, backend: 'cpu', outDir: join(dir, out), ...(resume ? { resume } : {}) },
    { engineDir: __dirname, environment: await environment },
  );

test('by default a run leaves exactly one checkpoint, its last, and no time-based one when shorter than 10 minutes', async () => {
  const summary = await train(config('defaults', []), 10, 'defaults');
  assert.deepEqual(listCheckpoints(join(summary.runDir, 'checkpoints')), ['step-00000010']);
});

test('time-based checkpoints follow every_minutes of training time; 0 and last: false write none', async () => {
  const timed = await train(config('timed', ['every_minutes: 0.002', 'last: false', 'keep: 50']), 30, 'timed');
  const written = listCheckpoints(join(timed.runDir, 'checkpoints'));
  // 120 ms of training between checkpoints: a 30-step run on the cpu backend takes several times that.
  assert.ok(written.length >= 2, `time-based checkpoints: ${written.join(', ')}`);
  const steps = written.map((name) => readCheckpointState(join(timed.runDir, 'checkpoints', name)).step);
  assert.ok(
    steps.every((s, i) => s >= 1 && s <= 30 && (i === 0 || s > steps[i - 1]!)),
    steps.join(', '),
  );

  const none = await train(config('none', ['every_minutes: 0', 'last: false']), 10, 'none');
  assert.equal(existsSync(join(none.runDir, 'checkpoints')), false);
});

test("a run with keep: 1 leaves the user's own step-* folder and .tmp-* file in its checkpoints folder alone", async () => {
  const configPath = config('user', ['every: 2', 'keep: 1']);
  const first = await train(configPath, 4, 'user');
  const checkpoints = join(first.runDir, 'checkpoints');
  mkdirSync(join(checkpoints, 'step-00000001'));
  writeFileSync(join(checkpoints, 'step-00000001', 'notes.txt'), 'mine');
  writeFileSync(join(checkpoints, '.tmp-x'), 'mine too');
  const resumed = await train(configPath, 10, 'user', first.runDir);
  assert.equal(resumed.steps, 10);
  assert.equal(readFileSync(join(checkpoints, 'step-00000001', 'notes.txt'), 'utf8'), 'mine');
  assert.equal(readFileSync(join(checkpoints, '.tmp-x'), 'utf8'), 'mine too');
  assert.deepEqual(listCheckpoints(checkpoints), ['step-00000010']);
  assert.deepEqual(
    readdirSync(checkpoints).filter((e) => e.startsWith('step-')),
    ['step-00000001', 'step-00000010'],
  );
});

test('a checkpoints folder that leads out of the run folder is refused: ".." by the config, a symlink at run time', async () => {
  await assert.rejects(train(config('dotdot', ['dir: ../x']), 2, 'dotdot'), /climbs out with "\.\."/);
  assert.equal(existsSync(join(dir, 'dotdot')), false, 'no run folder was created');
  assert.equal(existsSync(join(dir, 'x')), false);

  const configPath = config('link', []);
  const first = await train(configPath, 2, 'link');
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  rmSync(join(first.runDir, 'checkpoints'), { recursive: true });
  symlinkSync(outside, join(first.runDir, 'checkpoints'));
  await assert.rejects(train(configPath, 4, 'link', first.runDir), (error: Error & { path?: string }) => {
    assert.match(error.message, /^monitoring\.checkpoints\.dir: "checkpoints" resolves to .*outside, outside /);
    assert.equal(error.path, 'monitoring.checkpoints.dir');
    return true;
  });
  assert.deepEqual(readdirSync(outside), [], 'nothing written through the symlink');
});
