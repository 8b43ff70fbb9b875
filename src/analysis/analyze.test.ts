import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { formatReport } from '../cli/textReport';
import { analyzeProfile, loadProfile } from './analyze';
import { TraceError } from './ingest/traceReader';

const TRACES = join(__dirname, '..', '..', 'test', 'fixtures', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-analyze-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('an ONNX Runtime profile: model_run steps, kernel and fence time, op types', async () => {
  const profile = await loadProfile(join(TRACES, 'ort_mnist_2019.json'));
  assert.equal(profile.source, 'onnxruntime');
  const report = analyzeProfile(profile);
  assert.equal(report.steps.count, 1);
  const kernel = report.breakdown.find((b) => b.category === 'kernel')!;
  assert.ok(kernel.percent > 50, JSON.stringify(report.breakdown));
  assert.equal(
    report.breakdown.reduce((a, b) => a + b.ms, 0).toFixed(2),
    report.steps.meanMs.toFixed(2),
    'the categories add up to the step',
  );
  assert.equal(report.topOperators[0]!.name, 'Conv');
});

test('a Chrome trace (X events and B/E pairs) is one step split by its own categories', async () => {
  const file = join(dir, 'chrome.json');
  writeFileSync(
    file,
    JSON.stringify({
      traceEvents: [
        { ph: 'X', cat: 'gc', name: 'collect', ts: 0, dur: 30, pid: 1, tid: 1 },
        { ph: 'B', cat: 'script', name: 'main', ts: 10, pid: 1, tid: 2 },
        { ph: 'E', ts: 90, pid: 1, tid: 2 },
        { ph: 'X', cat: 'paint', name: 'draw', ts: 95, dur: 5, pid: 1, tid: 1 },
      ],
    }),
  );
  const report = analyzeProfile(await loadProfile(file));
  assert.equal(report.source, 'chrome');
  assert.match(report.steps.note!, /no training steps/);
  const byCategory = Object.fromEntries(report.breakdown.map((b) => [b.category, b.ms * 1000]));
  // script (80 µs) first, then gc's part outside it (10 µs), paint 5 µs, the gap 90–95 is other.
  assert.deepEqual(byCategory, { script: 80, gc: 10, paint: 5, other: 5 });
  assert.match(formatReport(report), /Step-time breakdown/);
});

test('what is not a trace says so, naming the file', async () => {
  const onnx = join(dir, 'model.onnx');
  writeFileSync(onnx, 'not really');
  await assert.rejects(loadProfile(onnx), /ONNX model, not a profile: profile it with "trainlens onnx"/);
  await assert.rejects(loadProfile(dir), /this folder is not a TrainLens run \(no run\.json\)/);
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '{"traceEvents": []}');
  await assert.rejects(
    loadProfile(empty),
    (error: unknown) => error instanceof TraceError && /no events/.test(error.message),
  );
  await assert.rejects(loadProfile(join(dir, 'missing.json')), /cannot read the trace/);
});

test("PyTorch's raw memory timeline: the allocated curve, its peak and what was live at the peak by category", async () => {
  const profile = await loadProfile(join(TRACES, 'hta_memory_timeline.raw.gz'));
  const report = analyzeProfile(profile);
  assert.match(report.steps.note!, /memory timeline has no step times.*16,845 rows/);
  const memory = report.memory!;
  assert.equal(memory.samples, 16845);
  const live = Object.values(memory.byCategoryAtPeak!).reduce((a, b) => a + b, 0);
  assert.equal(live, memory.peakBytes, 'the categories at the peak add up to the peak');
  assert.ok(memory.byCategoryAtPeak!['activation']! > memory.byCategoryAtPeak!['parameter']!);
  assert.equal(Math.max(...profile.memory!.allocatedBytes), memory.peakBytes);
  assert.match(formatReport(report), /Memory: peak [\d.]+ MiB allocated/);
});
