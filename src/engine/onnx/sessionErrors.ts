import { onnxFail } from './fail';
import { OnnxModelError } from './errors';

/**
 * ONNX Runtime's own load and run errors, in the user's terms: what failed for which model, and the way out. ORT's
 * text is kept after the explanation, since it names the node.
 */
export function fromOrtError(
  error: unknown,
  modelPath: string,
  provider: string,
  during: 'load' | 'run',
): OnnxModelError {
  if (error instanceof OnnxModelError) return error;
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  const ort = text.length > 400 ? `${text.slice(0, 397)}...` : text;
  const make = (kind: OnnxModelError['kind'], what: string, hint: string, subject?: string) =>
    onnxFail(kind, `${modelPath}: ${what} (ONNX Runtime: ${ort})`, modelPath, subject, hint);
  const node = /node (?:with name )?'?([^'\s]+)'?/i.exec(text)?.[1];
  if (
    /not a registered function\/op|Could not find an implementation|Unrecognized attribute|no kernel registered/i.test(
      text,
    ) &&
    /domain|contrib|registered/i.test(text)
  )
    return make(
      'custom-op',
      'a node needs an operator this ONNX Runtime build does not have',
      'Export the model with standard ONNX operators, or run it where the custom-op library is registered.',
      node,
    );
  if (/Protobuf parsing failed|Failed to load model|No graph was found|ModelProto/i.test(text))
    return make(
      'not-onnx',
      'ONNX Runtime cannot parse the file as a model',
      'Check that the file is a complete .onnx model (re-export or download it again).',
    );
  if (/external data|external initializer|GetExtDataFromTensorProto/i.test(text))
    return make(
      'external-data',
      "the model's external weights could not be read",
      'Put the external-data files next to the model, as they were when it was saved.',
    );
  if (/backend not found|execution provider|EP|provider/i.test(text) && during === 'load')
    return make(
      'provider',
      `the ${provider} execution provider cannot be used`,
      "Run 'trainlens doctor' to see the providers this machine has, and use --provider cpu.",
    );
  if (/Got invalid dimensions|invalid rank|shape|dims/i.test(text) && during === 'run')
    return make(
      'input-shape',
      'the model refused the input shapes',
      'Check the shapes with --input NAME=D1xD2… against what the model expects.',
      node,
    );
  if (/Unexpected input data type|tensor\(string\)|data type/i.test(text) && during === 'run')
    return make('dtype', 'the model refused an input type', 'Give the inputs in the dtypes the model declares.', node);
  return make(
    'session',
    during === 'load' ? 'ONNX Runtime could not load the model' : 'ONNX Runtime failed while running the model',
    'Check the model with onnx.checker.check_model; if it loads elsewhere, report it with this message.',
    node,
  );
}
