import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch, onnxDimensions, prunedBecause, sameOptions } from './space';
import { sessionSnippet } from './snippet';

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
