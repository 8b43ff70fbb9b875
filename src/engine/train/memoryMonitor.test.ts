import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { MemoryMonitor, type MemoryEvent, type MemorySample } from './memoryMonitor';

test('a step that leaves a tensor behind is reported as a leak in the phase where it grows', async () => {
  await tf.setBackend('cpu');
  const events: MemoryEvent[] = [];
  const monitor = new MemoryMonitor({
    intervalMs: 0,
    limitBytes: 64 * 1024 ** 3,
    warnAt: 0.9,
    actAt: 0.95,
    leakWindow: 5,
    onEvent: (e) => events.push(e),
  });
  const leaked: tf.Tensor[] = [];
  for (let step = 1; step <= 8; step++) {
    monitor.mark('data');
    const kept = tf.tidy(() => tf.ones([4]).mul(2)); // disposed below: not a leak
    monitor.mark('forward_backward');
    leaked.push(tf.zeros([2])); // forgotten in the optimizer phase: a leak
    monitor.mark('optimizer');
    kept.dispose();
    monitor.endStep(step);
  }
  const leak = events.find((e) => e.kind === 'tensor-leak');
  assert.ok(leak, JSON.stringify(events));
  assert.equal(leak.evidence['phase'], 'optimizer');
  assert.equal(leak.evidence['tensorsPerStep'], 1);
  tf.dispose(leaked);
});

test('a clean loop reports no leak; samples are taken and a low limit triggers warn then act', () => {
  const events: MemoryEvent[] = [];
  const samples: MemorySample[] = [];
  const clean = new MemoryMonitor({
    intervalMs: 0,
    limitBytes: 64 * 1024 ** 3,
    warnAt: 0.9,
    actAt: 0.95,
    leakWindow: 5,
    onEvent: (e) => events.push(e),
    onSample: (s) => samples.push(s),
  });
  for (let step = 1; step <= 10; step++) {
    clean.mark('data');
    tf.tidy(() => {
      tf.ones([8]).add(1);
    });
    clean.endStep(step);
  }
  assert.equal(events.length, 0);
  assert.equal(samples.length, 10);
  assert.ok(samples[0]!.rssBytes > 0 && samples[0]!.heapUsedBytes > 0);

  const rss = process.memoryUsage().rss;
  const tight = new MemoryMonitor({
    intervalMs: 0,
    limitBytes: rss * 1.05,
    warnAt: 0.5,
    actAt: 2,
    onEvent: (e) => events.push(e),
  });
  assert.equal(tight.endStep(1), false);
  assert.equal(events.at(-1)?.kind, 'warn');
  const acting = new MemoryMonitor({
    intervalMs: 0,
    limitBytes: rss / 2,
    warnAt: 0.5,
    actAt: 0.9,
    onEvent: (e) => events.push(e),
  });
  assert.equal(acting.endStep(1), true);
  assert.equal(events.at(-1)?.kind, 'act');
});
