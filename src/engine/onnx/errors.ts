/**
 * The one error of ONNX model reading: a kind callers decide by (never the message text), the model file, what it
 * is about (a node, an input, a file) and the way out. The message reads on its own: `ONNX model <file>: <what is
 * wrong>. <the way out>`.
 */
import type { OnnxErrorData, OnnxErrorKind } from '../../protocol/onnx';

/** What {@link OnnxModelError} is built from. */
export interface OnnxModelErrorInit {
  readonly kind: OnnxErrorKind;
  /** The model file, as the caller named it. */
  readonly file: string;
  /** What is wrong, as a clause that follows the file name (`is empty (0 bytes)`, `: node 3 … is …`). */
  readonly problem: string;
  /** The node, input or file the error is about, when there is one. */
  readonly subject?: string;
  /** The way out, in one sentence. */
  readonly hint?: string;
}

/** A model file TrainLens or ONNX Runtime cannot use; the message names the file, the place and the way out. */
export class OnnxModelError extends Error {
  readonly kind: OnnxErrorKind;
  /** The model file. */
  readonly file: string;
  readonly subject?: string;
  readonly hint?: string;

  constructor(init: OnnxModelErrorInit) {
    const separator = init.problem.startsWith(':') ? '' : ' ';
    super(`ONNX model ${init.file}${separator}${init.problem}${init.hint === undefined ? '' : `. ${init.hint}`}`);
    this.name = 'OnnxModelError';
    this.kind = init.kind;
    this.file = init.file;
    if (init.subject !== undefined) this.subject = init.subject;
    if (init.hint !== undefined) this.hint = init.hint;
  }

  /** The `data` of the JSON-RPC error that carries it (code `ONNX_ERROR_CODE`). */
  toData(): OnnxErrorData {
    return {
      kind: this.kind,
      ...(this.subject === undefined ? {} : { subject: this.subject }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    };
  }
}
