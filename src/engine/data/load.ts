import { dirname, isAbsolute, resolve } from 'node:path';
import type { TrainConfig } from '../../config/types';
import * as tf from '@tensorflow/tfjs';
import { splitValidation, type InMemoryDataset } from './dataset';
import { createRandom, shuffleInPlace } from './random';
import { openDataModule, readDataModule, type SampleShape } from './module';
import { createSyntheticData } from './synthetic';
import { DataError, readTabular, standardize } from './tabular';

/** The training and validation splits a run uses: training data in memory, or a data module's stream. */
export type LoadedData =
  | { readonly train: InMemoryDataset; readonly validation?: InMemoryDataset; readonly stream?: undefined }
  | {
      readonly train?: undefined;
      readonly stream: {
        readonly dataset: tf.data.Dataset<tf.TensorContainer>;
        readonly modulePath: string;
        readonly shape: SampleShape;
      };
      readonly validation?: InMemoryDataset;
    };

/** Reorders samples with a seeded shuffle, so a validation split taken from the end is a random sample. */
function shuffled(data: InMemoryDataset, seed: number): InMemoryDataset {
  const order = new Uint32Array(data.size).map((_, i) => i);
  shuffleInPlace(order, createRandom(seed ^ 0x5eed));
  const width = data.features.length / data.size;
  const features = new Float32Array(data.features.length);
  const targets = new Float32Array(data.targets.length);
  order.forEach((from, to) => {
    features.set(data.features.subarray(from * width, (from + 1) * width), to * width);
    targets.set(data.targets.subarray(from * data.targetWidth, (from + 1) * data.targetWidth), to * data.targetWidth);
  });
  return { ...data, features, targets };
}

/**
 * Loads the data a config describes (synthetic, or a CSV/JSONL file relative to the config), shuffles it with the
 * seed, splits off validation and standardizes features with the training split's statistics.
 */
export async function loadData(config: TrainConfig, configPath: string, seed: number): Promise<LoadedData> {
  const task = config.data.task ?? 'classification';
  let data: InMemoryDataset;
  switch (config.data.source) {
    case 'synthetic':
      data = createSyntheticData({
        samples: config.data.samples ?? 8192,
        inputShape: config.model.input_shape ?? [1],
        outputs: config.model.outputs ?? 1,
        task,
        seed,
        ...(config.model.preset === 'transformer' ? { vocabSize: config.model.vocab_size ?? 10000 } : {}),
      });
      break;
    case 'csv':
    case 'jsonl': {
      const path = config.data.path ?? '';
      data = shuffled(
        await readTabular({
          path: isAbsolute(path) ? path : resolve(dirname(configPath), path),
          format: config.data.source,
          labelColumn: config.data.label_column ?? 'label',
          ...(config.data.feature_columns ? { featureColumns: config.data.feature_columns } : {}),
          task,
          outputs: task === 'classification' ? (config.model.outputs ?? 1) : 1,
        }),
        seed,
      );
      const expected = config.model.input_shape ?? [];
      if (expected.length !== 1 || expected[0] !== data.inputShape[0]) {
        throw new DataError(
          `the data has ${data.inputShape[0]} feature columns but model.input_shape is [${expected.join(', ')}]; set model.input_shape: [${data.inputShape[0]}]`,
          path,
        );
      }
      break;
    }
    case 'module':
      return loadModuleData(config, configPath, seed);
  }
  const split = splitValidation(data, config.data.validation_split ?? 0.1);
  if (config.data.source !== 'synthetic' && (config.data.normalize ?? true)) {
    standardize(split.train, ...(split.validation ? [split.validation] : []));
  }
  return split;
}

/**
 * A data module's splits. With `data.cache: true` the train dataset is read once into memory (and, when the module
 * has no validation split, `validation_split` is held out of it); otherwise it is streamed. Validation data is
 * always read into memory: it is evaluated whole, again and again.
 */
async function loadModuleData(config: TrainConfig, configPath: string, seed: number): Promise<LoadedData> {
  const path = config.data.path ?? '';
  const modulePath = isAbsolute(path) ? path : resolve(dirname(configPath), path);
  const outputs = config.model.outputs ?? 1;
  const shape: SampleShape = {
    inputShape: config.model.input_shape ?? [1],
    targetWidth: outputs,
    task: config.data.task ?? 'classification',
  };
  const context = { tf, seed, batchSize: config.data.batch_size, config };
  const train = (await openDataModule(modulePath, { ...context, split: 'train' }))!;
  const validationSet = await openDataModule(modulePath, { ...context, split: 'validation' });
  const validation = validationSet ? await readDataModule(validationSet, shape, modulePath) : undefined;
  if (!config.data.cache)
    return { stream: { dataset: train, modulePath, shape }, ...(validation ? { validation } : {}) };
  const all = await readDataModule(train, shape, modulePath);
  if (validation) return { train: all, validation };
  return splitValidation(all, config.data.validation_split ?? 0.1);
}
