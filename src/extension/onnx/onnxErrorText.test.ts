import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OnnxError } from '../../onnx/errors';
import { onnxErrorParts, onnxErrorText } from './onnxErrorText';

test('the hint is said once, whether or not the message already ends with it', () => {
  const hint = 'Download or copy the model again';
  const repeated = new OnnxError(`ONNX model m.onnx is cut off at byte 26. ${hint}`, 'truncated', 'm.onnx', hint);
  assert.deepEqual(onnxErrorParts(repeated), { message: 'ONNX model m.onnx is cut off at byte 26.', hint });
  assert.equal(onnxErrorText(repeated), `ONNX model m.onnx is cut off at byte 26. ${hint}`);
  const apart = new OnnxError('ONNX model m.onnx is cut off at byte 26', 'truncated', 'm.onnx', hint);
  assert.deepEqual(onnxErrorParts(apart), { message: 'ONNX model m.onnx is cut off at byte 26.', hint });
});

test('errors without a hint, and values that are not errors, keep their message', () => {
  assert.deepEqual(onnxErrorParts(new OnnxError('m.onnx: no such provider', 'provider')), {
    message: 'm.onnx: no such provider',
  });
  assert.equal(onnxErrorText(new Error('the engine stopped')), 'the engine stopped');
  assert.equal(onnxErrorText('plain'), 'plain');
});
