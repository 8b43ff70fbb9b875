/**
 * ONNX failures in words, without `vscode` so it is tested on its own (onnxErrorText.test.ts): the editor shows the
 * problem and the way out apart, the notifications in one paragraph.
 */
import { OnnxError } from '../../onnx/errors';

/**
 * An ONNX failure's problem and its way out, each once: the engine's message may already end with the hint (the
 * CLI's wording), and the hint is then cut from the message.
 */
export function onnxErrorParts(error: unknown): { message: string; hint?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const hint = error instanceof OnnxError ? error.hint?.trim() : undefined;
  if (!hint) return { message: error.message };
  const at = error.message.lastIndexOf(hint);
  const message = at > 0 ? error.message.slice(0, at).trim() : error.message;
  return { message: /[.!?:]$/.test(message) ? message : `${message}.`, hint };
}

/** An ONNX failure in one paragraph: the message, then the way out when there is one. */
export function onnxErrorText(error: unknown): string {
  const { message, hint } = onnxErrorParts(error);
  return hint ? `${message} ${hint}` : message;
}
