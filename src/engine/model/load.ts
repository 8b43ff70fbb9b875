import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FileRuleError, readBoundedBytes, readBoundedText, resolveBeside } from '../../files/safeFiles';
// The transformer preset's layers must be registered before a saved model that uses them is loaded.
import './transformer';

/** model.json holds the topology and the manifest, never the weights: anything larger is not a model.json. */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** A weight file larger than this cannot be one ArrayBuffer of a TF.js model (and no model here is that large). */
const MAX_WEIGHT_FILE_BYTES = 2 * 1024 ** 3 - 1;
/** Bytes per value of each weight dtype, to know how large a manifest group's files must be. */
const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

/** One weight in a model.json manifest. */
interface WeightEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly quantization?: unknown;
}

/** The parts of a TF.js Layers `model.json` this loader reads. */
interface ModelJson {
  readonly modelTopology?: unknown;
  readonly weightsManifest?: ReadonlyArray<{
    readonly paths: readonly string[];
    readonly weights: readonly WeightEntry[];
  }>;
}

/** The bytes a group's weights take, when every weight's shape and dtype say it (not quantized); else undefined. */
function groupBytes(weights: readonly WeightEntry[]): number | undefined {
  let total = 0;
  for (const weight of weights) {
    const size = DTYPE_BYTES[weight.dtype];
    if (size === undefined || weight.quantization !== undefined || !Array.isArray(weight.shape)) return undefined;
    total += weight.shape.reduce((a, b) => a * b, 1) * size;
  }
  return Number.isFinite(total) ? total : undefined;
}

/** Reads the weight files of the manifest, each checked to be a regular file beside model.json, within its size. */
function readWeights(modelJsonPath: string, manifest: NonNullable<ModelJson['weightsManifest']>): Buffer[] {
  const buffers: Buffer[] = [];
  for (const group of manifest) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights))
      throw new Error(`model.path: the weightsManifest of ${modelJsonPath} is not a list of { paths, weights }`);
    const expected = groupBytes(group.weights);
    let read = 0;
    for (const path of group.paths) {
      const what = `model.path: the weight file "${String(path)}" listed in ${modelJsonPath}`;
      if (typeof path !== 'string') throw new Error(`${what} is not a file name`);
      const file = resolveBeside(dirname(modelJsonPath), path, what);
      const limit = Math.min(MAX_WEIGHT_FILE_BYTES, expected === undefined ? Infinity : expected - read);
      let bytes: Buffer;
      try {
        bytes = readBoundedBytes(file, what, limit);
      } catch (error) {
        if (error instanceof FileRuleError && error.code === 'missing')
          throw new Error(`${what} is missing`, { cause: error });
        if (error instanceof FileRuleError && error.code === 'too-large' && expected !== undefined)
          throw new Error(`${what} is larger than the ${expected} bytes its weights take; is it the right file?`, {
            cause: error,
          });
        throw error;
      }
      read += bytes.length;
      buffers.push(bytes);
    }
  }
  return buffers;
}

/**
 * Loads a saved TF.js Layers model (model.json + its weight files) from disk with the pure-JS backends, which have
 * no file:// loader of their own. model.json and its weight files must be regular files (no device, no FIFO) within
 * their sizes, and the weight files must lie beside model.json. Errors name the file and what is wrong with it.
 */
export async function loadSavedModel(modelJsonPath: string): Promise<tf.LayersModel> {
  let json: ModelJson;
  try {
    json = JSON.parse(readBoundedText(modelJsonPath, 'model.path', MAX_MODEL_JSON_BYTES)) as ModelJson;
  } catch (error) {
    const reason = error instanceof FileRuleError ? error.reason : (error as Error).message;
    throw new Error(`model.path: ${modelJsonPath} is not a readable model.json (${reason})`, { cause: error });
  }
  if (!json || typeof json !== 'object' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(
      `model.path: ${modelJsonPath} is not a TF.js Layers model (it has no modelTopology or weightsManifest); save one with model.save()`,
    );
  }
  // Array.isArray narrows to any[]; the manifest's shape is the one declared above.
  const manifest = json.weightsManifest as NonNullable<ModelJson['weightsManifest']>;
  const joined = Buffer.concat(readWeights(modelJsonPath, manifest));
  // A loop, not push(...weights): a manifest of 200k weights would overflow the stack as call arguments.
  const weightSpecs: WeightEntry[] = [];
  for (const group of manifest) for (const weight of group.weights) weightSpecs.push(weight);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}
