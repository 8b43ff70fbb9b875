import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ROOT, trainlens } from '../support/cli';

const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-cli-analyze-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('analyze --format json prints the contract document for each kind of trace', () => {
  for (const [file, source] of [
    ['hta_ns_resolution_v100.json.gz', 'kineto'],
    ['kineto_gpu_metrics_input.json', 'kineto'],
    ['ort_mnist_2019.json', 'onnxruntime'],
  ] as const) {
    const { code, stdout, stderr } = trainlens('analyze', join(TRACES, file), '--format', 'json');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as {
      source: string;
      device: unknown;
      steps: { count: number; meanMs: number; p50Ms: number; p90Ms: number };
      breakdown: Array<{ category: string; ms: number; percent: number }>;
      findings: Array<{ id: string; severity: string; title: string; evidence: object }>;
    };
    assert.equal(report.source, source, file);
    assert.ok(report.device && report.steps.count >= 1 && report.steps.meanMs > 0);
    assert.ok(report.steps.p50Ms <= report.steps.p90Ms);
    const percent = report.breakdown.reduce((a, b) => a + b.percent, 0);
    assert.ok(Math.abs(percent - 100) < 0.1, `${file}: the breakdown adds up to ${percent}%`);
    for (const finding of report.findings) assert.match(finding.severity, /^(high|medium|low|info)$/);
  }
});

test('analyze prints a text report with findings, and --out writes it to a file', () => {
  const { code, stdout } = trainlens('analyze', join(TRACES, 'hta_nccl_2ranks_a100.json.gz'));
  assert.equal(code, 0);
  assert.match(stdout, /Steps: 3, mean 222\.368 ms/);
  assert.match(stdout, /kernel\s+51\.738 ms\s+23\.27%/);
  assert.match(stdout, /\[high\] low-gpu-utilization: .*threshold 50/);
  const out = join(dir, 'report.json');
  const written = trainlens('analyze', join(TRACES, 'ort_mnist_2019.json'), '--format', 'json', '--out', out);
  assert.equal(written.code, 0);
  assert.equal(written.stdout, '');
  assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { source: string }).source, 'onnxruntime');
});

test('an ONNX Runtime 1.30 profile: per-node and per-op time in the JSON, the longest nodes in the text', () => {
  const profile = join(ROOT, 'test', 'fixtures', 'onnx', 'profiles', 'ort130_mnist_4runs.json');
  const json = trainlens('analyze', profile, '--format', 'json');
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as {
    steps: { count: number };
    onnx: {
      runs: number;
      nodes: Array<{ name: string; opType: string; provider: string; ms: number; percent: number; count: number }>;
      ops: Array<{ opType: string; ms: number; percent: number; count: number }>;
    };
  };
  assert.equal(report.steps.count, 4);
  assert.equal(report.onnx.runs, 4);
  assert.equal(report.onnx.nodes.length, 8);
  assert.deepEqual(
    [report.onnx.nodes[0]!.opType, report.onnx.nodes[0]!.provider, report.onnx.nodes[0]!.count],
    ['Conv', 'CPU', 1],
  );
  assert.deepEqual(
    report.onnx.ops.map((o) => o.opType),
    ['Conv', 'MaxPool', 'ReorderOutput', 'Gemm', 'Reshape'],
  );
  const text = trainlens('analyze', profile);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /\nNodes \(mean per run over 4 runs, share of node time\):\n\s+[\d.]+ ms\s+[\d.]+%\s+1×\s+Conv \(CPU\)\s+ReLU\d+_Output_0_nchwc\n/,
  );
});

test('unreadable traces exit 2 with one line naming the file and the problem, never a stack trace', () => {
  const truncated = join(dir, 'truncated.json.gz');
  writeFileSync(truncated, gzipSync(readFileSync(join(TRACES, 'kineto_gpu_metrics_input.json'))).subarray(0, 5000));
  const notGzip = join(dir, 'plain.json.gz');
  writeFileSync(notGzip, '{"traceEvents": []}');
  const model = join(dir, 'mnist.onnx');
  writeFileSync(model, 'onnx');
  for (const [file, pattern] of [
    [truncated, /gzip data is damaged or truncated/],
    [notGzip, /not gzip data/],
    [model, /ONNX model, not a profile/],
    [join(dir, 'missing.json'), /cannot read the trace/],
  ] as const) {
    const { code, stderr } = trainlens('analyze', file, '--format', 'json');
    assert.equal(code, 2, stderr);
    assert.ok(stderr.startsWith(`trainlens: ${file}: `), stderr);
    assert.match(stderr, pattern);
    assert.doesNotMatch(stderr, /\n\s+at /);
  }
  const html = trainlens('analyze', join(TRACES, 'ort_mnist_2019.json'), '--format', 'html');
  assert.equal(html.code, 2);
  assert.match(html.stderr, /--format html writes a file: give it with --out FILE/);
});
