import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OnnxModelError } from './errors';
import { resolveShapes, type InputMeta } from './shapes';

const MODEL = '/models/m.onnx';
const inputs: InputMeta[] = [
  { name: 'x', dtype: 'float32', shape: ['batch', 3, 'height', 'width'] },
  { name: 'mask', dtype: 'int64', shape: ['batch', '?'] },
];

const kindOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof OnnxModelError);
    return error;
  }
  assert.fail('no error');
};

test('symbolic dims resolve from --dim, --input and the batch', () => {
  const shapes = resolveShapes(inputs, { dims: { height: 32, width: 16 }, shapes: { mask: [2, 7] } }, MODEL, 2);
  assert.deepEqual(shapes.get('x'), [2, 3, 32, 16]);
  assert.deepEqual(shapes.get('mask'), [2, 7]);
});

test('every unresolved dim is listed in one error, with the flags that set it', () => {
  const error = kindOf(() => resolveShapes(inputs, {}, MODEL));
  assert.equal(error.kind, 'unresolved-dims');
  assert.match(
    error.message,
    /^ONNX model \/models\/m\.onnx: 5 input dims have no size: input 'x' dim 0 \('batch'\), input 'x' dim 2 \('height'\), input 'x' dim 3 \('width'\), input 'mask' dim 0 \('batch'\), input 'mask' dim 1/,
  );
  assert.match(error.message, /--dim batch=N --dim height=N --dim width=N/);
  assert.match(error.message, /--input x=1x3x1x1/);
});

test('a wrong --input shape names the input, the model shape and the fixed dim', () => {
  const error = kindOf(() => resolveShapes(inputs, { shapes: { x: [1, 4, 8, 8] }, dims: { batch: 1 } }, MODEL));
  assert.equal(error.kind, 'input-shape');
  assert.equal(error.subject, 'x');
  assert.match(
    error.message,
    /--input x=1x4x8x8 does not fit input 'x' of shape \[batch, 3, height, width\]: dim 1 is fixed at 3/,
  );
  const rank = kindOf(() => resolveShapes(inputs, { shapes: { x: [1, 3] } }, MODEL));
  assert.match(rank.message, /it has 2 dims, the input 4/);
});

test('names that are not in the model are refused, listing the real ones', () => {
  assert.match(
    kindOf(() => resolveShapes(inputs, { shapes: { y: [1] } }, MODEL)).message,
    /has no input named 'y'; its inputs are 'x', 'mask'/,
  );
  assert.match(
    kindOf(() => resolveShapes(inputs, { dims: { btach: 1 } }, MODEL)).message,
    /no symbolic dim named 'btach'; its symbolic dims are 'batch', 'height', 'width'/,
  );
});
