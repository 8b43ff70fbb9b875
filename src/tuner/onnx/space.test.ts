import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch, onnxDimensions, prunedBecause, sameOptions } from './space';
import { jsOptions, sessionSnippet } from './snippet';
import { toOrtOptions } from '../../engine/onnx/sessionOptions';
import type { OnnxSessionOptions } from '../../protocol/onnx';

test('the space has the thread, mode, optimization, memory and provider settings', () => {
  const dims = onnxDimensions(8, [
    { name: 'cpu', available: true },
    { name: 'cuda', available: false, reason: 'no GPU' },
  ]);
  assert.deepEqual(
    dims.map((d) => d.name),
    ['intra-op threads', 'spinning', 'execution mode', 'graph optimization', 'memory pattern', 'CPU arena'],
  );
  assert.deepEqual(
    dims[0]!.choices.map((c) => c.intraOpThreads),
    [undefined, 1, 4, 8],
  );
  const withGpu = onnxDimensions(2, [
    { name: 'cpu', available: true },
    { name: 'cuda', available: true },
  ]);
  assert.equal(withGpu[0]!.name, 'provider');
});

test('invalid combinations are pruned with the reason', () => {
  assert.match(prunedBecause({ provider: 'cpu', executionMode: 'parallel' }, 4)!, /one inter-op thread/);
  assert.match(prunedBecause({ provider: 'cpu', interOpThreads: 2 }, 4)!, /only used in parallel/);
  assert.match(
    prunedBecause({ provider: 'cpu', executionMode: 'parallel', interOpThreads: 4, intraOpThreads: 4 }, 4)!,
    /oversubscribe/,
  );
  assert.equal(
    prunedBecause({ provider: 'cpu', executionMode: 'parallel', interOpThreads: 2, intraOpThreads: 1 }, 4),
    undefined,
  );
});

test('a patch sets and removes settings; undefined goes back to the default', () => {
  const options = applyPatch(
    { provider: 'cpu', intraOpThreads: 2 },
    { intraOpThreads: undefined, enableMemPattern: false },
  );
  assert.deepEqual(options, { provider: 'cpu', enableMemPattern: false });
  assert.ok(sameOptions(options, { enableMemPattern: false, provider: 'cpu' }));
  assert.ok(!sameOptions(options, { provider: 'cpu' }));
});

test('the snippet is code for onnxruntime-node and for Python', () => {
  const { javascript, python } = sessionSnippet('model.onnx', {
    provider: 'cpu',
    intraOpThreads: 1,
    executionMode: 'parallel',
    interOpThreads: 2,
    graphOptimizationLevel: 'extended',
    allowSpinning: false,
  });
  assert.match(javascript, /ort\.InferenceSession\.create\('model\.onnx', \{/);
  assert.match(javascript, /intraOpNumThreads: 1,/);
  assert.match(javascript, /executionProviders: \['cpu'\],/);
  assert.match(javascript, /executionMode: 'parallel'/);
  assert.match(javascript, /allow_spinning: '0'/);
  assert.match(python, /so\.intra_op_num_threads = 1\n/);
  assert.match(python, /so\.execution_mode = ort\.ExecutionMode\.ORT_PARALLEL/);
  assert.match(python, /ort\.GraphOptimizationLevel\.ORT_ENABLE_EXTENDED/);
  assert.match(python, /add_session_config_entry\('session\.intra_op\.allow_spinning', '0'\)/);
  assert.match(python, /providers=\['CPUExecutionProvider'\]/);
});

test('the options file and the snippet say exactly what the engine measured, for every choice of the space', () => {
  // The engine maps settings to ORT's options to run them (src/engine/onnx/sessionOptions.ts); the tuner maps them
  // again for the user's code. The two must never differ, or the proposed settings would not be the measured ones.
  let options: OnnxSessionOptions = { provider: 'cpu' };
  for (const dimension of onnxDimensions(4, [{ name: 'cpu', available: true }]))
    for (const patch of dimension.choices) {
      options = applyPatch(options, patch);
      const { logSeverityLevel, ...measured } = toOrtOptions(options);
      assert.equal(logSeverityLevel, 3);
      assert.deepEqual(jsOptions(options), measured, JSON.stringify(options));
    }
});
