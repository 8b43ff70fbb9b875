import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { listCheckpoints, readCheckpointState, writeCheckpoint } from './checkpoint';
import { MANIFEST_FILE, readManifest } from './checkpointManifest';

const work = mkdtempSync(join(tmpdir(), 'trainlens-checkpoint-'));
after(() => rmSync(work, { recursive: true, force: true }));
before(() => tf.setBackend('cpu'));

/** Writes the checkpoint of `step` with one small tensor, keeping `keep`. */
async function write(dir: string, step: number, keep: number): Promise<string> {
  const tensor = tf.tensor([step, step + 1]);
  try {
    return await writeCheckpoint(
      dir,
      { step, configHash: 'h', batches: { epoch: 0, offset: 0 } as never, finalLoss: null },
      [{ name: 'model/0', tensor }],
      keep,
    );
  } finally {
    tensor.dispose();
  }
}

test("pruning deletes only the checkpoints TrainLens wrote: a user's step-* folder and .tmp-* entries survive", async () => {
  const dir = join(work, 'user-files');
  mkdirSync(join(dir, 'step-00000001'), { recursive: true });
  writeFileSync(join(dir, 'step-00000001', 'notes.txt'), 'mine');
  writeFileSync(join(dir, '.tmp-x'), 'mine too');
  mkdirSync(join(dir, '.tmp-step-00000002-1'));
  for (const step of [2, 3, 4]) await write(dir, step, 1);
  assert.equal(readFileSync(join(dir, 'step-00000001', 'notes.txt'), 'utf8'), 'mine');
  assert.equal(readFileSync(join(dir, '.tmp-x'), 'utf8'), 'mine too');
  assert.ok(existsSync(join(dir, '.tmp-step-00000002-1')), 'a temp-like folder TrainLens did not create');
  assert.deepEqual(readdirSync(dir).sort(), [
    '.tmp-step-00000002-1',
    '.tmp-x',
    MANIFEST_FILE,
    'step-00000001',
    'step-00000004',
  ]);
  // Only its own checkpoints are listed, so --resume never reads the user's folder as a checkpoint.
  assert.deepEqual(listCheckpoints(dir), ['step-00000004']);
  assert.deepEqual(readManifest(dir), { checkpoints: ['step-00000004'], temps: [] });
  assert.equal(readCheckpointState(join(dir, 'step-00000004')).step, 4);
});

test('a temporary folder a killed writer left is listed, so the next write removes it', async () => {
  const dir = join(work, 'killed');
  await write(dir, 1, 3);
  // As a writer killed mid-write leaves it: listed in the manifest, half written.
  const left = `.tmp-step-00000002-${process.pid + 1}`;
  mkdirSync(join(dir, left));
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as { temps: string[] };
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, temps: [left] }));
  await write(dir, 2, 3);
  assert.deepEqual(readdirSync(dir).sort(), [MANIFEST_FILE, 'step-00000001', 'step-00000002']);
});

test('a folder of the same name that TrainLens did not write is refused, not replaced', async () => {
  const dir = join(work, 'clash');
  mkdirSync(join(dir, 'step-00000005'), { recursive: true });
  writeFileSync(join(dir, 'step-00000005', 'data.bin'), 'precious');
  await assert.rejects(write(dir, 5, 1), /step-00000005 exists and TrainLens did not write it/);
  assert.equal(readFileSync(join(dir, 'step-00000005', 'data.bin'), 'utf8'), 'precious');
  assert.deepEqual(readdirSync(dir), ['step-00000005'], 'nothing written beside it');
  // Rewriting its own checkpoint of a step is fine.
  const own = join(work, 'own');
  await write(own, 5, 1);
  await write(own, 5, 1);
  assert.deepEqual(listCheckpoints(own), ['step-00000005']);
});

test('an edited manifest cannot make pruning delete a path outside the folder', async () => {
  const dir = join(work, 'edited');
  const victim = join(work, 'victim');
  mkdirSync(victim, { recursive: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, MANIFEST_FILE),
    JSON.stringify({ checkpoints: ['../victim', 'step-00000000/../../victim'], temps: ['../victim'] }),
  );
  for (const step of [1, 2]) await write(dir, step, 1);
  assert.ok(existsSync(victim));
  assert.deepEqual(listCheckpoints(dir), ['step-00000002']);
});
