import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isOutOfMemory, OutOfMemoryError } from './outOfMemory';

test('out-of-memory errors of every backend are recognized, other errors are not', () => {
  for (const message of [
    'memory access out of bounds',
    'Aborted(OOM)',
    'Array buffer allocation failed',
    'OOM when allocating tensor with shape[65536,8192] and type float on /job:localhost/replica:0/task:0/device:GPU:0',
    'CUDA_ERROR_OUT_OF_MEMORY: out of memory',
  ])
    assert.ok(isOutOfMemory(new Error(message)), message);
  assert.ok(isOutOfMemory(new RangeError('Invalid typed array length: 4294967296')));
  assert.ok(!isOutOfMemory(new Error('Error in matMul: inner shapes (3) and (4) of Tensors must match.')));
  const error = new OutOfMemoryError(12, 1, 4, 'optimizer', 'x');
  assert.match(
    error.message,
    /step 12 with data\.batch_size 1 \(optimizer;.*to 1 and set training\.gradient_accumulation: 8/,
  );
});
