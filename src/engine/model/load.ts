import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
// The transformer preset's layers must be registered before a saved model that uses them is loaded.
import './transformer';

/** One weight in a model.json manifest. */
interface WeightEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
}

/** The parts of a TF.js Layers `model.json` this loader reads. */
interface ModelJson {
  readonly modelTopology?: unknown;
  readonly weightsManifest?: ReadonlyArray<{
    readonly paths: readonly string[];
    readonly weights: readonly WeightEntry[];
  }>;
}

/**
 * Loads a saved TF.js Layers model (model.json + its weight files) from disk with the pure-JS backends, which have
 * no file:// loader of their own. Errors name the file and what is wrong with it.
 */
export async function loadSavedModel(modelJsonPath: string): Promise<tf.LayersModel> {
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as ModelJson;
  } catch (error) {
    throw new Error(`model.path: ${modelJsonPath} is not a readable model.json (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(
      `model.path: ${modelJsonPath} is not a TF.js Layers model (it has no modelTopology or weightsManifest); save one with model.save()`,
    );
  }
  // Array.isArray narrows to any[]; the manifest's shape is the one declared above.
  const manifest = json.weightsManifest as NonNullable<ModelJson['weightsManifest']>;
  const weightSpecs: WeightEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of manifest) {
    weightSpecs.push(...group.weights);
    for (const path of group.paths) {
      try {
        buffers.push(readFileSync(join(dirname(modelJsonPath), path)));
      } catch (error) {
        throw new Error(`model.path: the weight file "${path}" listed in ${modelJsonPath} is missing`, {
          cause: error,
        });
      }
    }
  }
  const joined = Buffer.concat(buffers);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}
