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

test('over the cap, the earliest spans are kept whatever the order they come in (ties in the order added)', () => {
  const spans = new SpanRecorder(4);
  // Later spans first (as Kineto lists the CPU events before the GPU events), then earlier ones, some tied.
  const starts = [90, 80, 70, 60, 50, 5, 40, 30, 3, 20, 3, 10, 100];
  starts.forEach((start, i) => spans.add('t', 't', 'cpu', `op${i}`, start, 1));
  const t = spans.build();
  assert.deepEqual([...t.startUs], [3, 3, 5, 10]);
  assert.deepEqual(
    [...t.name].map((n) => t.names[n]),
    ['op8', 'op10', 'op5', 'op11'],
  );
  assert.equal(t.dropped, starts.length - 4);
  const tied = new SpanRecorder(2);
  for (let i = 0; i < 6; i++) tied.add('t', 't', 'cpu', `tie${i}`, 7, 1);
  const u = tied.build();
  assert.deepEqual(
    [...u.name].map((n) => u.names[n]),
    ['tie0', 'tie1'],
  );
  assert.equal(u.dropped, 4);
});
