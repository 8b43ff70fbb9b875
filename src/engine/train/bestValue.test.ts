import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BestValueTracker } from './bestValue';

test('the best-value tracker keeps the lowest value in min mode and the highest in max mode', () => {
  const low = new BestValueTracker('val_loss', 'min');
  assert.equal(low.offer({ val_loss: 2 }), true);
  assert.equal(low.offer({ val_loss: 3 }), false);
  assert.equal(low.offer({ val_loss: 2 }), false);
  assert.equal(low.offer({ val_loss: 1 }), true);
  assert.equal(low.best, 1);
  const high = new BestValueTracker('val_accuracy', 'max');
  assert.equal(high.offer({ val_accuracy: 0.5 }), true);
  assert.equal(high.offer({ val_accuracy: 0.4 }), false);
  assert.equal(high.offer({ val_accuracy: 0.6 }), true);
  assert.equal(high.best, 0.6);
});

test('the best-value tracker ignores values without its metric and honours a start bound', () => {
  const tracker = new BestValueTracker('val_loss', 'min', Infinity);
  assert.equal(tracker.offer({ loss: 1 }), undefined);
  assert.equal(tracker.offer({ val_loss: NaN }), false);
  assert.equal(tracker.offer({ val_loss: 5 }), true);
  // Without a start, the first value counts as an improvement whatever it is.
  assert.equal(new BestValueTracker('val_loss', 'min').offer({ val_loss: NaN }), true);
});
