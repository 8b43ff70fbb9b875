import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadSavedModel } from './load';
import { saveModel } from './save';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-model-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const save = saveModel;

test('a saved TF.js model loads from disk with its weights', async () => {
  await tf.setBackend('cpu');
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
  const path = await save(model, dir);
  const loaded = await loadSavedModel(path);
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  assert.deepEqual(
    Array.from(await (loaded.predict(x) as tf.Tensor).data()),
    Array.from(await (model.predict(x) as tf.Tensor).data()),
  );
  assert.deepEqual(loaded.inputs[0]!.shape, [null, 4]);
});

test('files that are not TF.js models are refused with the reason', async () => {
  writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
  await assert.rejects(loadSavedModel(join(dir, 'other.json')), /is not a TF\.js Layers model/);
  writeFileSync(
    join(dir, 'nobin.json'),
    JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['gone.bin'], weights: [] }] }),
  );
  await assert.rejects(loadSavedModel(join(dir, 'nobin.json')), /the weight file "gone\.bin" listed in .* is missing/);
  await assert.rejects(loadSavedModel(join(dir, 'absent.json')), /is not a readable model\.json/);
});

test(
  'model.path and manifest entries are regular files beside model.json, checked before they are read',
  { timeout: 20_000 },
  async () => {
    const started = Date.now();
    // Before: /dev/zero was read until the string limit (half a gigabyte), a FIFO blocked the engine forever.
    await assert.rejects(
      loadSavedModel('/dev/zero'),
      /model\.path: \/dev\/zero is not a readable model\.json \(it is a device/,
    );
    const fifo = join(dir, 'model.fifo');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(loadSavedModel(fifo), /is not a readable model\.json \(it is a named pipe \(FIFO\)/);
    const manifest = (paths: string[]) => {
      const file = join(dir, `m${paths.length}-${paths[0]!.replace(/\W/g, '_')}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          modelTopology: {},
          weightsManifest: [{ paths, weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }],
        }),
      );
      return file;
    };
    await assert.rejects(
      loadSavedModel(manifest(['/dev/zero'])),
      /weight file "\/dev\/zero" .* is an absolute path; the files a model lists must lie beside it/,
    );
    await assert.rejects(
      loadSavedModel(manifest(['../../etc/passwd'])),
      /weight file "\.\.\/\.\.\/etc\/passwd" .* climbs out with "\.\."/,
    );
    symlinkSync('/dev', join(dir, 'devices'));
    await assert.rejects(loadSavedModel(manifest(['devices/zero'])), /leads out through a symbolic link/);
    await assert.rejects(loadSavedModel(manifest(['model.fifo'])), /weight file "model\.fifo" .* is a named pipe/);
    // Two float32 values are 8 bytes: a larger file is not this model's weights.
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(1024));
    await assert.rejects(
      loadSavedModel(manifest(['big.bin'])),
      /weight file "big\.bin" .* is larger than the 8 bytes its weights take/,
    );
    assert.ok(Date.now() - started < 10_000);
  },
);

test('a manifest of 200k weights does not overflow the stack', async () => {
  await tf.setBackend('cpu');
  const file = join(dir, 'many.json');
  const weights = Array.from({ length: 200_000 }, (_, i) => ({ name: `w${i}`, shape: [0], dtype: 'float32' }));
  writeFileSync(file, JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['empty.bin'], weights }] }));
  writeFileSync(join(dir, 'empty.bin'), '');
  await assert.rejects(loadSavedModel(file), (error: Error) => {
    assert.doesNotMatch(error.message, /Maximum call stack/);
    return true;
  });
});
