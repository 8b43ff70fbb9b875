import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EngineClient } from './engineClient';
import { OnnxError } from './onnxError';
import { inspectOnnxModel, measureOnnxModel } from './onnxRequests';

// Real ONNX Runtime sessions in a real engine process, driven over JSON-RPC as the CLI and the editor drive them.
const ENGINE = join(__dirname, '..', 'engine', 'main.ts');
const MODELS = join(__dirname, '..', '..', 'test', 'fixtures', 'onnx');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-onnx-rpc-'));
let client: EngineClient;
before(async () => {
  client = await EngineClient.start({ enginePath: ENGINE, execArgv: ['--import', 'tsx'], clientName: 'onnx-test' });
});
after(async () => {
  await client.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

test('inspect: the summary, the providers and the node count after optimization', async () => {
  const result = await inspectOnnxModel(client, { modelPath: join(MODELS, 'mnist.onnx'), optimize: true });
  assert.deepEqual(result.summary.inputs, [{ name: 'Input3', dtype: 'float32', shape: [1, 1, 28, 28] }]);
  assert.ok(result.providers.some((p) => p.name === 'cpu' && p.available));
  const cuda = result.providers.find((p) => p.name === 'cuda');
  if (cuda && !cuda.available) assert.match(cuda.reason!, /not installed|no NVIDIA GPU/);
  assert.ok(result.summary.optimized && result.summary.optimized.nodes < result.summary.nodes, 'fusions remove nodes');
  assert.ok(result.cores >= 1);
});

test('measure: warm-up discarded, runs timed, progress by phase; the profile keeps the measured runs only', async () => {
  const phases = new Set<string>();
  const result = await measureOnnxModel(
    client,
    {
      modelPath: join(MODELS, 'mnist.onnx'),
      session: { provider: 'cpu' },
      inputs: {},
      warmup: 4,
      runs: 7,
      profileDir: dir,
    },
    { onProgress: (p) => phases.add(p.phase) },
  );
  assert.equal(result.latency.runs, 7);
  assert.ok(result.latency.p50 > 0 && result.latency.throughput > 0);
  assert.deepEqual([...phases].sort(), ['load', 'measure', 'release', 'warmup']);
  assert.ok(result.profileFile && existsSync(result.profileFile));
  const events = JSON.parse(readFileSync(result.profileFile, 'utf8')) as Array<{ cat?: string; name?: string }>;
  assert.equal(events.filter((e) => e.cat === 'Session' && e.name === 'model_run').length, 7);
  assert.deepEqual(readdirSync(dir), ['onnx-profile.json'], "ORT's own file is replaced by the cut one");
});

test('cancel: the engine stops the measurement, releases the session and stays usable', async () => {
  const controller = new AbortController();
  const pending = measureOnnxModel(
    client,
    {
      modelPath: join(MODELS, 'light_squeezenet.onnx'),
      session: { provider: 'cpu' },
      inputs: {},
      warmup: 1,
      runs: 100_000,
    },
    { signal: controller.signal, onProgress: (p) => p.phase === 'measure' && p.done >= 3 && controller.abort() },
  );
  await assert.rejects(pending, (error: unknown) => error instanceof OnnxError && error.kind === 'cancelled');
  const after = await measureOnnxModel(client, {
    modelPath: join(MODELS, 'mnist.onnx'),
    session: { provider: 'cpu' },
    inputs: {},
    warmup: 1,
    runs: 2,
  });
  assert.equal(after.latency.runs, 2);
});

test('bad models come back as typed errors over the wire, by kind', async () => {
  for (const [file, kind] of [
    ['not_onnx.onnx', 'not-onnx'],
    ['truncated.onnx', 'truncated'],
    ['custom_op.onnx', 'custom-op'],
    ['external_data.onnx', 'external-data'],
    ['string_input.onnx', 'dtype'],
    ['symbolic_matmul.onnx', 'unresolved-dims'],
  ] as const) {
    await assert.rejects(
      measureOnnxModel(client, {
        modelPath: join(MODELS, file),
        session: { provider: 'cpu' },
        inputs: {},
        warmup: 1,
        runs: 1,
      }),
      (error: unknown) => error instanceof OnnxError && error.kind === kind && error.message.includes(file),
      file,
    );
  }
});
