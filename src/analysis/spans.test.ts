import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanRecorder } from './spans';

test('spans are sorted by track kind, then start; nesting depth follows containment', () => {
  const spans = new SpanRecorder();
  spans.add('gpu:0:7', 'GPU 0 · stream 7', 'gpu', 'gemm', 15, 5);
  spans.add('cpu:1:1', 'CPU thread 1', 'cpu', 'aten::linear', 10, 30);
  spans.add('cpu:1:1', 'CPU thread 1', 'cpu', 'aten::addmm', 12, 10);
  spans.add('cpu:1:1', 'CPU thread 1', 'cpu', 'cudaLaunchKernel', 14, 2);
  spans.add('cpu:1:1', 'CPU thread 1', 'cpu', 'aten::relu', 25, 5);
  spans.add('steps', 'Steps', 'steps', 'ProfilerStep#1', 0, 100);
  const t = spans.build();
  assert.deepEqual(
    t.tracks.map((k) => [k.name, k.depth]),
    [
      ['Steps', 0],
      ['CPU thread 1', 2],
      ['GPU 0 · stream 7', 0],
    ],
  );
  assert.deepEqual(
    [...t.name].map((n) => t.names[n]),
    ['ProfilerStep#1', 'aten::linear', 'aten::addmm', 'cudaLaunchKernel', 'aten::relu', 'gemm'],
  );
  assert.deepEqual([...t.depth], [0, 0, 1, 2, 1, 0]);
  assert.deepEqual([...t.track], [0, 1, 1, 1, 1, 2]);
});

test('over the cap, spans are counted as dropped instead of kept', () => {
  const spans = new SpanRecorder(3);
  for (let i = 0; i < 5; i++) spans.add('t', 't', 'cpu', `op${i}`, i, 1);
  const t = spans.build();
  assert.equal(t.startUs.length, 3);
  assert.equal(t.dropped, 2);
});
