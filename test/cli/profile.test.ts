import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT, trainlens } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-cli-profile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The quickstart, writing its runs into this test's folder. */
function quickstart(name: string, edit: (text: string) => string = (t) => t): string {
  const path = join(dir, `${name}.trainlens.yaml`);
  writeFileSync(path, edit(readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8')));
  return path;
}

test('profile trains with the step profiler, writes trace.json, and prints the analysis of the phases', () => {
  const config = quickstart('profiled');
  const { code, stdout, stderr } = trainlens('profile', config, '--steps', '40', '--json');
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as {
    source: string;
    steps: { count: number; meanMs: number };
    breakdown: Array<{ category: string; ms: number; percent: number }>;
    topKernels: Array<{ name: string; calls: number; totalMs: number }>;
    memory?: { peakBytes: number; samples: number };
    findings: Array<{ id: string }>;
  };
  assert.equal(report.source, 'trainlens');
  // The loss is read back every 20 steps: no host-sync finding (the run below reads it at every step and gets one).
  assert.ok(!report.findings.some((f) => f.id === 'host-sync'), JSON.stringify(report.findings));
  // Kernels timed with tf.profile in the steps after the window, per step; the memory curve from memory.jsonl.
  assert.ok(report.topKernels.length > 3, JSON.stringify(report.topKernels));
  assert.ok(report.topKernels.some((k) => /MatMul/.test(k.name)));
  assert.ok(report.topKernels.every((k) => !k.name.endsWith('__op') && k.totalMs > 0));
  assert.ok(report.memory && report.memory.peakBytes > 0 && report.memory.samples >= 1);
  assert.equal(report.steps.count, 20, 'monitoring.profiling: warmup 5, then 20 steps');
  assert.deepEqual(
    report.breakdown.map((b) => b.category),
    ['data_wait', 'forward_backward', 'optimizer', 'host_sync', 'eval', 'checkpoint', 'other'],
  );
  const byCategory = Object.fromEntries(report.breakdown.map((b) => [b.category, b.percent]));
  assert.ok(byCategory['forward_backward']! > 20, JSON.stringify(byCategory));
  assert.ok(Math.abs(report.breakdown.reduce((a, b) => a + b.percent, 0) - 100) < 0.1);

  // The run directory has a Chrome trace that Perfetto opens, and analyze reads the directory the same way.
  const runs = join(dir, '.trainlens', 'runs');
  const [runDir] = readdirSync(runs);
  const trace = JSON.parse(readFileSync(join(runs, runDir!, 'trace.json'), 'utf8')) as {
    traceEvents: Array<{ ph: string; cat: string; ts: number; dur: number }>;
  };
  assert.equal(trace.traceEvents.filter((e) => e.cat === 'step').length, 20);
  assert.ok(trace.traceEvents.every((e) => e.ph === 'X' && e.dur >= 0 && e.ts >= 0));
  const again = trainlens('analyze', join(runs, runDir!), '--format', 'json');
  assert.equal(again.code, 0, again.stderr);
  assert.equal((JSON.parse(again.stdout) as { steps: { count: number } }).steps.count, 20);
});

test('a run with host syncs at every step is told to read the loss less often; a run without a trace says how to get one', () => {
  // log_every: 1 reads the loss back at every step; with the NaN guard off nothing else syncs.
  const config = quickstart('syncs', (t) =>
    t.replace('log_every: 20', 'log_every: 1').replace('level: basic', 'level: custom'),
  );
  const { code, stdout, stderr } = trainlens('profile', config, '--steps', '30');
  assert.equal(code, 0, stderr);
  assert.match(stdout, /host_sync\s+[\d.]+ ms\s+[\d.]+%/);
  assert.match(stdout, /\[(high|medium)\] host-sync: .*Fix: monitoring\.log_every: 4/);
  const plain = quickstart('plain', (t) => t.replace('enabled: true', 'enabled: false'));
  const run = trainlens('run', plain, '--steps', '10', '--out', join(dir, 'plain-runs'), '--json');
  assert.equal(run.code, 0, run.stderr);
  const runDir = (JSON.parse(run.stdout) as { runDir: string }).runDir;
  const missing = trainlens('analyze', runDir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /the run has no trace\.json: profile it with "trainlens profile CONFIG"/);
});
