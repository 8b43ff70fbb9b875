import { ResponseError } from 'vscode-jsonrpc';
import { ONNX_ERROR_CODE, type OnnxErrorData, type OnnxErrorKind } from '../protocol/onnx';

/**
 * An ONNX model that cannot be read, loaded or run as asked, on the host side: the engine's message (it names the
 * model and the node, input or file), the kind to decide by, and the way out.
 */
export class OnnxError extends Error {
  constructor(
    message: string,
    readonly kind: OnnxErrorKind,
    readonly subject?: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'OnnxError';
  }

  /** The engine's JSON-RPC error as an {@link OnnxError}; anything else is returned as it is. */
  static from(error: unknown): unknown {
    if (!(error instanceof ResponseError) || error.code !== ONNX_ERROR_CODE) return error;
    const data = (error.data ?? {}) as Partial<OnnxErrorData>;
    return new OnnxError(error.message, data.kind ?? 'session', data.subject, data.hint);
  }
}
