import assert from 'node:assert/strict';
import { test } from 'node:test';
import { learningRateAt } from './optimizer';

test('warm-up rises linearly to the base rate, then the schedule decays', () => {
  const s = { type: 'cosine', warmup_steps: 10, decay_steps: 100, min_lr: 0 };
  assert.equal(learningRateAt(0, 1, s), 0.1);
  assert.equal(learningRateAt(9, 1, s), 1);
  assert.equal(learningRateAt(10, 1, s), 1);
  assert.ok(Math.abs(learningRateAt(60, 1, s) - 0.5) < 1e-9);
  assert.ok(Math.abs(learningRateAt(110, 1, s)) < 1e-9);
  assert.equal(learningRateAt(250, 1, { type: 'step', decay_steps: 100, decay_rate: 0.5 }), 0.25);
  assert.equal(learningRateAt(5, 0.01, {}), 0.01);
});
