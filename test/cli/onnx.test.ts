import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { OnnxReport } from '../../src/onnx/types';
import { ROOT, trainlens } from '../support/cli';

// `trainlens onnx` on real models in real ONNX Runtime sessions (the engine process), as the "done when"
// names them: latency percentiles, per-op and per-node time, --tune, --html, and every bad input's message.
const MODELS = join(ROOT, 'test', 'fixtures', 'onnx');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-cli-onnx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const onnx = (...args: string[]) => trainlens('onnx', ...args);

test('onnx --json prints latency percentiles and the per-op and per-node breakdown of each model', () => {
  for (const [file, op] of [
    ['mnist.onnx', 'Conv'],
    ['light_squeezenet.onnx', 'Conv'],
    ['light_resnet50.onnx', 'Conv'],
  ] as const) {
    const { code, stdout, stderr } = onnx(join(MODELS, file), '--runs', '20', '--warmup', '3', '--json');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as OnnxReport;
    assert.equal(report.provider, 'cpu');
    assert.equal(report.model.path, join(MODELS, file));
    const l = report.latencyMs;
    assert.ok(l.runs >= 3 && l.mean > 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.min <= l.p50, file);
    assert.ok(
      report.ops.some((o) => o.opType.startsWith(op)),
      `${file}: ${report.ops.map((o) => o.opType).join(', ')}`,
    );
    assert.ok(report.nodes.length >= 3, file);
    const percent = report.ops.reduce((sum, o) => sum + o.percent, 0);
    assert.ok(Math.abs(percent - 100) < 0.5, `${file}: op shares sum to ${percent}`);
    assert.ok(
      report.nodeSumMs > 0 && report.nodeSumRatio > 0 && report.nodeSumRatio < 1.5,
      `${file}: ${report.nodeSumRatio}`,
    );
    assert.ok(Number.isFinite(report.profilingOverheadPercent));
    assert.equal(report.analysis.source, 'onnxruntime');
    assert.ok(report.model.optimized && report.model.optimized.nodes > 0, file);
  }
});

test('onnx prints a readable report on a terminal', () => {
  const { code, stdout, stderr } = onnx(join(MODELS, 'mnist.onnx'), '--runs', '10');
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Model: .*mnist\.onnx/m);
  assert.match(stdout, /^Input: {2}Input3 float32 \[1, 1, 28, 28\]/m);
  assert.match(stdout, /^Latency over \d+ runs: mean [\d.]+ ms, p50 [\d.]+, p90 [\d.]+, p99 [\d.]+/m);
  assert.match(stdout, /^Conv\S* +[\d.]+ +[\d.]+/m);
});

test('onnx --tune prints the trials, the best options with the speedup, and the snippet; never slower', () => {
  const out = join(dir, 'tuned');
  const { code, stdout, stderr } = onnx(
    join(MODELS, 'mnist.onnx'),
    '--runs',
    '10',
    '--tune',
    '--budget',
    '8',
    '--out',
    out,
    '--json',
  );
  assert.equal(code, 0, stderr);
  const { tuning } = JSON.parse(stdout) as Required<OnnxReport>;
  assert.ok(tuning.trials.length >= 3);
  assert.ok(tuning.speedup >= 1);
  assert.ok(tuning.best.latencyMs && tuning.default.latencyMs);
  if (tuning.speedup > 1) assert.ok(tuning.best.latencyMs.p50 < tuning.default.latencyMs.p50);
  assert.match(tuning.snippet.javascript, /InferenceSession\.create\('mnist\.onnx', \{/);
  assert.match(tuning.snippet.python, /ort\.SessionOptions\(\)/);
  assert.ok(tuning.trials.some((t) => t.status === 'ok'));
  const options = JSON.parse(readFileSync(join(out, 'session-options.json'), 'utf8')) as {
    executionProviders: string[];
  };
  assert.deepEqual(options.executionProviders, ['cpu']);
  assert.ok(JSON.parse(readFileSync(join(out, 'onnx.json'), 'utf8')));
});

test('onnx --html writes a standalone report that needs no network', () => {
  const html = join(dir, 'mnist.html');
  const { code, stderr } = onnx(join(MODELS, 'mnist.onnx'), '--runs', '5', '--html', html);
  assert.equal(code, 0, stderr);
  const text = readFileSync(html, 'utf8');
  assert.match(text, /Content-Security-Policy/);
  assert.doesNotMatch(text, /<script[^>]+src=["']https?:/);
  assert.match(text, /mnist\.onnx/);
});

test('symbolic dims: resolved by --dim or --input, else one error listing each with the flags', () => {
  const model = join(MODELS, 'symbolic_matmul.onnx');
  const missing = onnx(model, '--runs', '3');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /symbolic_matmul\.onnx: 1 input dim has no size: input 'x' dim 0 \('batch'\)/);
  assert.match(missing.stderr, /--dim batch=N/);
  const byDim = onnx(model, '--runs', '3', '--dim', 'batch=4', '--json');
  assert.equal(byDim.code, 0, byDim.stderr);
  assert.deepEqual((JSON.parse(byDim.stdout) as OnnxReport).feeds[0]!.shape, [4, 64]);
  const byInput = onnx(model, '--runs', '3', '--input', 'x=2x64', '--json');
  assert.equal(byInput.code, 0, byInput.stderr);
  const wrong = onnx(model, '--runs', '3', '--input', 'x=2x63');
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /--input x=2x63 does not fit input 'x' of shape \[batch, 64\]: dim 1 is fixed at 64/);
});

test('real inputs from a JSON file are fed as given', () => {
  const file = join(dir, 'inputs.json');
  writeFileSync(
    file,
    JSON.stringify({
      a: [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10, 11, 12],
      ],
      b: { dims: [4, 3], data: Array.from({ length: 12 }, (_, i) => i) },
    }),
  );
  const { code, stdout, stderr } = onnx(join(MODELS, 'matmul_2d.onnx'), '--runs', '3', '--inputs', file, '--json');
  assert.equal(code, 0, stderr);
  const feeds = (JSON.parse(stdout) as OnnxReport).feeds;
  assert.deepEqual(
    feeds.map((f) => [f.name, f.shape, f.source]),
    [
      ['a', [3, 4], file],
      ['b', [4, 3], file],
    ],
  );
});

test('bad models get a clear message naming the model, the place and the way out, and exit 2', () => {
  const cases: Array<[file: string, message: RegExp, extra?: string[]]> = [
    ['not_onnx.onnx', /not_onnx\.onnx.*(JSON|not an ONNX model)/i],
    ['truncated.onnx', /truncated\.onnx.*(cut off|truncated)/i],
    ['empty.onnx', /empty\.onnx.*empty/i],
    ['custom_op.onnx', /custom_op\.onnx.*ai\.onnx\.contrib.*StringRegexReplace.*onnxruntime-extensions/i],
    ['external_data.onnx', /external_data\.onnx.*weights\.bin/i],
    ['string_input.onnx', /string_input\.onnx: input 'text' is a string tensor.*--inputs/i],
    ['mnist.onnx', /cuda execution provider cannot be used here/i, ['--provider', 'cuda']],
    ['mnist.onnx', /has no input named 'image'; its inputs are 'Input3'/, ['--input', 'image=1x1x28x28']],
  ];
  for (const [file, message, extra = []] of cases) {
    const { code, stdout, stderr } = onnx(join(MODELS, file), '--runs', '3', ...extra);
    assert.equal(code, 2, `${file}: ${stderr}`);
    assert.equal(stdout, '');
    assert.match(stderr, /^trainlens: /m);
    assert.match(stderr, message, file);
    assert.doesNotMatch(stderr, /internal error|at .*\.js:\d+/, file);
  }
});

test('a folder, a missing file and a model over the protobuf limit are refused before reading', () => {
  const sparse = join(dir, 'huge.onnx');
  const fd = openSync(sparse, 'w');
  ftruncateSync(fd, 3 * 1024 ** 3);
  closeSync(fd);
  for (const [target, message] of [
    [dir, /a folder/],
    [join(dir, 'nope.onnx'), /does not exist/],
    [sparse, /2 GiB|external data/],
  ] as const) {
    const { code, stderr } = onnx(target, '--runs', '3');
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
  }
});

test('--time measures for a time budget instead of a number of runs', () => {
  const started = Date.now();
  const { code, stdout, stderr } = onnx(join(MODELS, 'mnist.onnx'), '--time', '1', '--json');
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as OnnxReport;
  assert.ok(report.latencyMs.runs > 50, `${report.latencyMs.runs} runs in the budget`);
  assert.ok(Date.now() - started < 20_000);
});

test('--tune --objective throughput grows a symbolic batch while throughput improves', () => {
  const { code, stdout, stderr } = onnx(
    join(MODELS, 'symbolic_matmul.onnx'),
    '--dim',
    'batch=1',
    '--runs',
    '5',
    '--tune',
    '--objective',
    'throughput',
    '--budget',
    '10',
    '--json',
  );
  assert.equal(code, 0, stderr);
  const { tuning } = JSON.parse(stdout) as Required<OnnxReport>;
  assert.equal(tuning.objective, 'throughput');
  const batches = new Set(tuning.trials.filter((t) => t.status === 'ok').map((t) => t.batch));
  assert.ok(batches.has(1) && [...batches].some((b) => (b ?? 0) > 1), [...batches].join(', '));
  assert.ok(tuning.speedup >= 1);
});
