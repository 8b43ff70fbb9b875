import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { AnalysisReport } from '../../src/protocol/analysis';
import { ROOT, trainlens } from '../support/cli';

// PyTorch traces written without Kineto (Debian's torch 1.13): see test/fixtures/traces/pytorch-legacy/README.md.
const LEGACY = join(ROOT, 'test', 'fixtures', 'traces', 'pytorch-legacy');
const NOTE = 'a PyTorch profiler trace without Kineto (legacy exporter)';
const dir = mkdtempSync(join(tmpdir(), 'trainlens-cli-legacy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function analyze(file: string): AnalysisReport {
  const { code, stdout, stderr } = trainlens('analyze', file, '--format', 'json');
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout) as AnalysisReport;
}

/** The fixture in Kineto's form: the same events with Kineto's categories, in a `traceEvents` object. */
function kinetoForm(name: string): string {
  const events = JSON.parse(gunzipSync(readFileSync(join(LEGACY, name))).toString('utf8')) as Array<
    Record<string, unknown>
  >;
  const annotation = /^(ProfilerStep#|enumerate\(DataLoader\)#|Optimizer\.)/;
  const traceEvents = events.map((e) => ({
    ...e,
    cat: annotation.test(String(e['name'])) ? 'user_annotation' : 'cpu_op',
  }));
  const file = join(dir, name.replace(/\.gz$/, ''));
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, traceEvents }));
  return file;
}

for (const name of ['input_bound.json.gz', 'input_bound_workers.json.gz', 'compute_bound.json.gz'])
  test(`analyze ${name}: a PyTorch trace with the same steps, breakdown and findings as its Kineto form`, () => {
    const legacy = analyze(join(LEGACY, name));
    const kineto = analyze(kinetoForm(name));
    assert.equal(legacy.source, 'kineto');
    assert.equal(legacy.steps.count, 6);
    assert.equal(legacy.steps.note, NOTE);
    assert.deepEqual(legacy.steps, { ...kineto.steps, note: NOTE });
    assert.deepEqual(legacy.breakdown, kineto.breakdown);
    assert.deepEqual(legacy.topOperators, kineto.topOperators);
    assert.deepEqual(legacy.findings, kineto.findings);
    assert.ok(!legacy.breakdown.some((b) => b.category === 'uncategorized'));
  });

test('the input-bound traces are flagged input-bound with a DataLoader(num_workers=…) fix; compute-bound is not', () => {
  for (const name of ['input_bound.json.gz', 'input_bound_workers.json.gz']) {
    const report = analyze(join(LEGACY, name));
    const dataloader = report.breakdown.find((b) => b.category === 'dataloader')!;
    assert.ok(dataloader.percent > 40, `${name}: ${dataloader.percent}%`);
    const finding = report.findings.find((f) => f.id === 'input-bound');
    assert.ok(finding, `${name}: ${JSON.stringify(report.findings)}`);
    assert.equal(finding.severity, 'high');
    assert.equal(finding.fix, undefined, 'no TrainLens YAML for a PyTorch trace');
    const workers = Math.min(8, Math.ceil(dataloader.percent / (100 - dataloader.percent)));
    assert.match(finding.code!.python, new RegExp(`DataLoader\\([^)]*num_workers=${workers},`));
    assert.match(finding.code!.python, /pin_memory=True,[^)]*persistent_workers=True,[^)]*prefetch_factor=2,/);
  }
  const compute = analyze(join(LEGACY, 'compute_bound.json.gz'));
  assert.ok(compute.breakdown.find((b) => b.category === 'cpu_exec')!.percent > 90);
  assert.equal(
    compute.findings.find((f) => f.id === 'input-bound'),
    undefined,
  );
});

test('the text report names the trace PyTorch and prints the DataLoader fix', () => {
  const { code, stdout } = trainlens('analyze', join(LEGACY, 'input_bound.json.gz'));
  assert.equal(code, 0);
  assert.match(stdout, /kineto trace/);
  assert.match(stdout, new RegExp(`Note: ${NOTE.replace(/[()]/g, '\\$&')}`));
  assert.match(stdout, /\[high\] input-bound: /);
  assert.match(stdout, /Python: +# The step waits for data/);
  assert.match(stdout, /num_workers=\d+,/);
});

test('a trace broken by an unescaped quote in a name is repaired and says so; an ambiguous one names the byte', () => {
  const report = analyze(join(LEGACY, 'quoted_label.json'));
  assert.equal(report.steps.count, 6);
  assert.match(report.steps.note ?? '', /6 event names with unescaped quotes repaired/);

  const event = (name: string, ts: number) =>
    `{"name": "${name}", "ph": "X", "ts": ${ts}, "dur": 10, "tid": 1, "pid": "CPU functions", "args": {}}`;
  const first = event('ProfilerStep#1', 0);
  const broken = join(dir, 'ambiguous.json');
  writeFileSync(broken, `[${first}, ${event('q"args": {}}z', 5)}]`);
  const { code, stderr } = trainlens('analyze', broken, '--format', 'json');
  assert.notEqual(code, 0);
  assert.match(stderr, new RegExp(`${broken.replace(/[.]/g, '\\.')}: .*cannot be repaired unambiguously`));
  assert.match(stderr, new RegExp(`at byte ${1 + first.length + 2}\\b`));
});
