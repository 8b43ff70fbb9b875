import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatReport } from '../cli/textReport';
import { analyzeProfile, loadProfile } from './analyze';
import { REPORT_NODES } from './onnxReport';

const ROOT = join(__dirname, '..', '..');
const PROFILES = join(ROOT, 'test', 'fixtures', 'onnx', 'profiles');

test("the report's onnx section: nodes and op types in ms per run, percent of node time, calls per run", async () => {
  const profile = await loadProfile(join(PROFILES, 'ort130_mnist_4runs.json'));
  const report = analyzeProfile(profile);
  const onnx = report.onnx!;
  assert.equal(onnx.runs, 4);
  assert.equal(onnx.nodes.length, 8);
  const top = profile.onnx!.nodes[0]!;
  assert.deepEqual(onnx.nodes[0], {
    name: top.name,
    opType: 'Conv',
    provider: 'CPU',
    ms: Math.round((top.totalUs / 4 / 1000) * 1e4) / 1e4,
    percent: Math.round((10000 * top.totalUs) / profile.onnx!.nodes.reduce((a, n) => a + n.totalUs, 0)) / 100,
    count: 1,
  });
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum(onnx.nodes.map((n) => n.percent)) - 100) < 0.05);
  assert.ok(Math.abs(sum(onnx.ops.map((o) => o.percent)) - 100) < 0.05);
  // Two Conv nodes run once each per run; the op table adds them up.
  assert.deepEqual(
    onnx.ops.map((o) => [o.opType, o.count]),
    [
      ['Conv', 2],
      ['MaxPool', 2],
      ['ReorderOutput', 2],
      ['Gemm', 1],
      ['Reshape', 1],
    ],
  );
  const conv = onnx.nodes.filter((n) => n.opType === 'Conv');
  assert.ok(Math.abs(onnx.ops[0]!.ms - sum(conv.map((n) => n.ms))) < 0.001);
  // The node time per run is the kernel category of the breakdown.
  const kernel = report.breakdown.find((b) => b.category === 'kernel')!.ms;
  assert.ok(Math.abs(sum(onnx.ops.map((o) => o.ms)) - kernel) < 0.002, `${kernel}`);
});

test('the text report lists the longest nodes for ONNX Runtime profiles, at most 15', async () => {
  const chain = analyzeProfile(await loadProfile(join(PROFILES, 'ort130_addchain60_3runs.json.gz')));
  assert.equal(chain.onnx!.nodes.length, REPORT_NODES);
  assert.equal(chain.onnx!.ops.length, 2);
  const text = formatReport(chain);
  assert.match(text, /\nNodes \(mean per run over 3 runs, share of node time\):\n/);
  const rows = text
    .split('\n')
    .filter((line) => /^\s+[\d.]+ ms\s+[\d.]+%\s+1×\s+(Add|Mul) \(CPU\)\s+(add|mul)_\d+$/.test(line));
  assert.equal(rows.length, 15, text);
  assert.match(text, /… 35 more in --format json/);
  const kineto = analyzeProfile(
    await loadProfile(join(ROOT, 'test', 'fixtures', 'traces', 'hta_cpu_only_rank34.json.gz')),
  );
  assert.equal(kineto.onnx, undefined);
  assert.doesNotMatch(formatReport(kineto), /\nNodes /);
});
