import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { makeDirectory } from '../../files/safeFiles';

/** Saves a model as TF.js Layers files (model.json + weights.bin) in `folder`, the layout `loadSavedModel` reads. */
export async function saveModel(model: tf.LayersModel, folder: string): Promise<string> {
  makeDirectory(folder, 'the model folder');
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      const weights =
        artifacts.weightData instanceof ArrayBuffer
          ? artifacts.weightData
          : tf.io.concatenateArrayBuffers(artifacts.weightData ?? []);
      writeFileSync(join(folder, 'weights.bin'), Buffer.from(weights));
      writeFileSync(
        join(folder, 'model.json'),
        JSON.stringify({
          format: 'layers-model',
          generatedBy: 'TrainLens',
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        }),
      );
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } });
    }),
  );
  return join(folder, 'model.json');
}
