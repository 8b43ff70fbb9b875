import { onnxFail } from './fail';
import { checkRegularFile } from '../../files/safeFiles';

/** Protobuf's limit on one message: a model file over it must keep its weights as external data. */
export const MAX_MODEL_BYTES = 2 * 1024 ** 3;

/** Checks the model file before ONNX Runtime opens it: a regular file, under protobuf's limit. */
export function checkModelFile(modelPath: string): number {
  let bytes: number;
  try {
    bytes = checkRegularFile(modelPath, 'the ONNX model');
  } catch (error) {
    throw onnxFail('not-a-file', (error as Error).message, modelPath, modelPath, 'Give the path of an .onnx file.');
  }
  if (bytes > MAX_MODEL_BYTES)
    throw onnxFail(
      'too-large',
      `${modelPath} is ${(bytes / 1024 ** 3).toFixed(1)} GiB, over protobuf's 2 GiB limit for one model file.`,
      modelPath,
      modelPath,
      'Save the weights as external data: onnx.save_model(model, path, save_as_external_data=True).',
    );
  return bytes;
}
