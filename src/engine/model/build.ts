import * as tf from '@tensorflow/tfjs';
import type { LayerConfig, ModelConfig } from '../../config/types';
import { buildTransformer } from './transformer';

/** What the data says about the model's head. */
export interface HeadSpec {
  readonly task: 'classification' | 'regression';
}

type Activation = 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'selu' | 'linear' | 'softmax';

/** TF.js has no `gelu` activation in its layers API; the closest available one is used and reported. */
function activationOf(name: string | undefined): Activation {
  if (name === 'gelu') return 'elu';
  return (name ?? 'relu') as Activation;
}

/**
 * Builds the model a config describes: a preset (mlp, cnn, lstm, transformer) with its sizes, or an explicit layer
 * list. Saved models (`model.path`) are loaded by loadSavedModel instead.
 */
export function buildModel(model: ModelConfig, head: HeadSpec, seed = 42): tf.LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const out = model.outputs ?? 1;
  const headActivation: Activation =
    head.task === 'classification' && out > 1 ? 'softmax' : head.task === 'classification' ? 'sigmoid' : 'linear';
  const inputShape = [...(model.input_shape ?? [])];
  const seq = tf.sequential();
  let index = 0;
  const dense = (units: number, activation: Activation) =>
    seq.add(
      tf.layers.dense({
        units,
        activation,
        kernelInitializer: init(index++),
        ...(seq.layers.length === 0 ? { inputShape } : {}),
      }),
    );

  if (model.path !== undefined) throw new Error('model.path: a saved model is loaded (loadSavedModel), not built.');
  if (model.layers) {
    for (const layer of model.layers)
      seq.add(layerOf(layer, seq.layers.length === 0 ? inputShape : undefined, init(index++)));
    return seq;
  }
  switch (model.preset) {
    case 'mlp':
      for (const units of model.hidden ?? []) {
        dense(units, activationOf(model.activation));
        if (model.dropout) seq.add(tf.layers.dropout({ rate: model.dropout, seed: seed + index++ }));
      }
      dense(out, headActivation);
      return seq;
    case 'cnn':
      for (const filters of model.filters ?? []) {
        seq.add(
          tf.layers.conv2d({
            filters,
            kernelSize: 3,
            padding: 'same',
            activation: activationOf(model.activation),
            kernelInitializer: init(index++),
            ...(seq.layers.length === 0 ? { inputShape } : {}),
          }),
        );
        seq.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      }
      seq.add(tf.layers.flatten(seq.layers.length === 0 ? { inputShape } : {}));
      dense(out, headActivation);
      return seq;
    case 'lstm': {
      const layers = model.num_layers ?? 2;
      for (let i = 0; i < layers; i++) {
        seq.add(
          tf.layers.lstm({
            units: model.units ?? 128,
            returnSequences: i < layers - 1,
            kernelInitializer: init(index++),
            recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: seed + index++ }),
            ...(i === 0 ? { inputShape } : {}),
          }),
        );
      }
      dense(out, headActivation);
      return seq;
    }
    case 'transformer':
      return buildTransformer({
        sequenceLength: inputShape[0] ?? 128,
        vocabSize: model.vocab_size ?? 10000,
        dModel: model.d_model ?? 128,
        heads: model.heads ?? 4,
        ffDim: model.ff_dim ?? 512,
        layers: model.num_layers ?? 2,
        outputs: out,
        headActivation: headActivation === 'softmax' || headActivation === 'sigmoid' ? headActivation : 'linear',
        seed,
      });
    default:
      throw new Error('model: set preset, layers or path.');
  }
}

function layerOf(
  layer: LayerConfig,
  inputShape: number[] | undefined,
  kernelInitializer: ReturnType<typeof tf.initializers.glorotUniform>,
): tf.layers.Layer {
  const first = inputShape ? { inputShape } : {};
  switch (layer.type) {
    case 'dense':
      return tf.layers.dense({
        units: layer.units ?? 1,
        activation: activationOf(layer.activation),
        kernelInitializer,
        ...first,
      });
    case 'conv2d':
      return tf.layers.conv2d({
        filters: layer.filters ?? 1,
        kernelSize: layer.kernel_size ?? 3,
        padding: 'same',
        activation: activationOf(layer.activation),
        kernelInitializer,
        ...first,
      });
    case 'maxpool2d':
      return tf.layers.maxPooling2d({ poolSize: layer.kernel_size ?? 2, ...first });
    case 'flatten':
      return tf.layers.flatten(first);
    case 'dropout':
      return tf.layers.dropout({ rate: layer.rate ?? 0.1, ...first });
    case 'lstm':
      return tf.layers.lstm({ units: layer.units ?? 1, kernelInitializer, ...first });
    case 'embedding':
      return tf.layers.embedding({ inputDim: layer.vocab_size ?? 2, outputDim: layer.units ?? 1, ...first });
    case 'layer_norm':
      return tf.layers.layerNormalization(first);
  }
}
