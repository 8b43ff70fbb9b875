import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { formatReport } from '../cli/textReport';
import { analyzeProfile, loadProfile } from './analyze';
import { firstNonFinite } from './finite';
import { TraceError } from './ingest/traceReader';
import { buildProfileView } from './view';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-finite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes raw JSON text (1e400 must stay in the file: JSON.stringify would write null). */
function trace(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The report, the view and the text of a trace, checked to hold only finite numbers. */
async function analysed(file: string) {
  const profile = await loadProfile(file, undefined, { spans: true });
  const report = analyzeProfile(profile);
  const view = buildProfileView(profile);
  assert.equal(firstNonFinite(report), undefined, 'the report');
  assert.equal(firstNonFinite(view), undefined, 'the view');
  const text = formatReport(report);
  assert.doesNotMatch(text, /NaN|Infinity/, text);
  // JSON writes NaN and Infinity as null: none may appear where a number belongs.
  assert.doesNotMatch(JSON.stringify(report), /:null/);
  return { report, text };
}

const good = (ph: string, extra: string) => `{"ph": "${ph}", "pid": 1, "tid": 1, ${extra}}`;

test('events with dur "abc", ts 1e400 or 1e308 are left out with a count; the report stays finite', async () => {
  // Before: "mean Infinity ms (p50 Infinity)", "c Infinity ms NaN%", "mean NaN ms".
  const chrome = trace(
    'chrome.json',
    `[${[
      good('X', '"cat": "c", "name": "a", "ts": 1, "dur": 10'),
      good('X', '"cat": "c", "name": "b", "ts": 20, "dur": "abc"'),
      good('X', '"cat": "c", "name": "c", "ts": 1e400, "dur": 5'),
      good('X', '"cat": "d", "name": "d", "ts": 1e308, "dur": 1e308'),
      good('X', '"cat": "d", "name": "e", "ts": 30, "dur": 5'),
    ].join(',')}]`,
  );
  const { report, text } = await analysed(chrome);
  assert.equal(report.steps.meanMs, 0.034);
  assert.match(
    report.steps.note ?? '',
    /3 events left out: a time \(ts or dur\) that is not a number within ±10\^18 µs/,
  );
  assert.match(text, /3 events left out/);

  const kineto = trace(
    'kineto.json',
    `{"deviceProperties": [{"id": 0, "name": "GPU", "totalGlobalMem": 1e400, "numSms": 80}], "traceEvents": [${[
      good('X', '"cat": "cpu_op", "name": "ProfilerStep#1", "ts": 0, "dur": 100'),
      good('X', '"cat": "cpu_op", "name": "ProfilerStep#2", "ts": 100, "dur": 1e308'),
      good('X', '"cat": "kernel", "name": "k", "ts": 10, "dur": 50'),
      good('X', '"cat": "kernel", "name": "k2", "ts": 1e400, "dur": 50'),
    ].join(',')}]}`,
  );
  const k = await analysed(kineto);
  assert.equal(k.report.steps.count, 1);
  assert.equal(k.report.gpuUtilizationPercent, 50);
  assert.deepEqual(k.report.device.gpus, [{ id: 0, name: 'GPU', multiprocessors: 80 }]);

  const ort = trace(
    'ort.json',
    `[${[
      good('X', '"cat": "Session", "name": "model_run", "ts": 1e400, "dur": 5'),
      good('X', '"cat": "Node", "name": "a_kernel_time", "ts": 1, "dur": 1e400'),
      good('X', '"cat": "Node", "name": "b_kernel_time", "ts": 2, "dur": 3'),
    ].join(',')}]`,
  );
  const o = await analysed(ort);
  assert.equal(o.report.steps.meanMs, 0.003);
});

test('a trace whose every time is broken is refused with the reason; a memory timeline skips rows', async () => {
  const broken = trace('broken.json', `[${good('X', '"name": "a", "ts": 1, "dur": "abc"')}]`);
  await assert.rejects(loadProfile(broken), (error: unknown) => {
    assert.ok(error instanceof TraceError);
    assert.match(error.message, /the trace has no usable events: 1 event left out: a time \(ts or dur\)/);
    return true;
  });
  const memory = trace('memory.json', '[[1000, 2, 1e400, 1], [2000, 2, 512, 1], [3000, 2, 256, 5], [1e400, 2, 5, 1]]');
  const { report } = await analysed(memory);
  assert.equal(report.memory?.peakBytes, 768);
  assert.match(report.steps.note ?? '', /2 malformed rows skipped/);
});

test('a TrainLens run with zero-length steps and a memory sample of 1e400 reports finite numbers', async () => {
  const run = join(dir, 'run');
  mkdirSync(run);
  writeFileSync(join(run, 'run.json'), JSON.stringify({ status: 'completed', config: {} }));
  writeFileSync(
    join(run, 'trace.json'),
    `[${good('X', '"cat": "step", "name": "step 1", "ts": 0, "dur": 0')}, ${good('X', '"cat": "step", "name": "step 2", "ts": 5, "dur": "abc"')}]`,
  );
  writeFileSync(join(run, 'memory.jsonl'), '{"tMs": 1, "tensorBytes": 100}\n{"tMs": 2, "tensorBytes": 1e400}\n');
  const { report } = await analysed(run);
  assert.equal(report.steps.count, 1);
  assert.equal(report.steps.meanMs, 0);
  assert.equal(report.memory?.peakBytes, 100);
  assert.ok(report.breakdown.every((b) => b.percent === 0));
});
