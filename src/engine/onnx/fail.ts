import type { OnnxErrorKind } from '../../protocol/onnx';
import { OnnxModelError } from './errors';

/**
 * An {@link OnnxModelError} from a message that starts with the model's path (or names another file first), the
 * thing it is about and the way out.
 */
export function onnxFail(
  kind: OnnxErrorKind,
  message: string,
  file: string,
  subject?: string,
  hint?: string,
): OnnxModelError {
  const problem = (message.startsWith(file) ? message.slice(file.length) : `: ${message}`).replace(/\.$/, '');
  return new OnnxModelError({
    kind,
    file,
    problem,
    ...(subject !== undefined ? { subject } : {}),
    ...(hint !== undefined ? { hint: hint.replace(/\.$/, '') } : {}),
  });
}
