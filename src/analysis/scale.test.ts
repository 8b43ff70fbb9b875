import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzeProfile, loadProfile } from './analyze';
import { buildProfileView, VIEW_MAX_SPANS } from './view';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-scale-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A JSON array of `count` generated elements, written without one giant intermediate array of strings. */
function writeArray(name: string, count: number, element: (i: number) => string): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(element(i));
  const file = join(dir, name);
  writeFileSync(file, `[${parts.join(',')}]`);
  return file;
}

// Users' sizes: whatever holds every element on the call stack at once (a spread into a call, apply) overflows it
// at about 125k elements; these run each importer, the report and the view at and beyond that.
test('1M spans of a Chrome trace: profile, report and view (spans cut to the view limit)', async () => {
  const file = writeArray(
    'chrome.json',
    1_000_000,
    (i) => `{"ph":"X","name":"op${i % 100}","cat":"c${i % 3}","ts":${i * 2},"dur":1,"pid":1,"tid":${i % 4}}`,
  );
  const profile = await loadProfile(file, undefined, { spans: true });
  assert.equal(profile.stats.events, 1_000_000);
  assert.equal(analyzeProfile(profile).steps.count, 1);
  const view = buildProfileView(profile);
  assert.equal(view.timeline!.startUs.length, VIEW_MAX_SPANS);
  assert.equal(view.timeline!.omitted, 1_000_000 - VIEW_MAX_SPANS);
});

test('200k ONNX Runtime nodes without model_run, and a PyTorch memory timeline of 200k rows', async () => {
  const ort = writeArray(
    'ort.json',
    200_000,
    (i) =>
      `{"ph":"X","name":"n${i}_kernel_time","cat":"Node","ts":${i * 2},"dur":1,"pid":1,"tid":1,"args":{"op_name":"Conv"}}`,
  );
  const report = analyzeProfile(await loadProfile(ort));
  assert.equal(report.topOperators[0]!.calls, 200_000);
  const memory = writeArray('memory.json', 200_000, (i) => `[${i * 1000},2,${i % 2 ? -256 : 512},${i % 8}]`);
  const profile = await loadProfile(memory, undefined, { spans: true });
  assert.equal(profile.memory!.tUs.length, 200_000);
  assert.equal(buildProfileView(profile).memory!.series[0]!.bytes.length, 200_000);
});
