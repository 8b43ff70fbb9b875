// Assertions shared by the ONNX tests (src/engine/onnx).
import assert from 'node:assert/strict';
import { OnnxModelError } from '../../src/engine/onnx/errors';
import type { OnnxErrorKind } from '../../src/protocol/onnx';

/**
 * Asserts that `run` throws an OnnxModelError of `kind` whose message names `file`, matches `pattern` and ends with
 * its hint (the way out); returns the error.
 */
export function assertOnnxError(
  run: () => unknown,
  kind: OnnxErrorKind,
  file: string,
  pattern: RegExp,
): OnnxModelError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof OnnxModelError, `expected an OnnxModelError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  assert.equal(caught.file, file);
  assert.ok(caught.message.includes(file), `the message names the file: ${caught.message}`);
  assert.match(caught.message, pattern);
  assert.ok(caught.hint && caught.message.endsWith(caught.hint), 'the message ends with the way out');
  return caught;
}
