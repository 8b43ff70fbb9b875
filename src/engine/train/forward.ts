import * as tf from '@tensorflow/tfjs';
import { lossFor } from './losses';

/** The loss of one micro-batch as the loop differentiates it. */
export type TrainingLoss = (xs: tf.Tensor, ys: tf.Tensor) => tf.Scalar;

/** How {@link compileTrainingLoss} computes the loss, for run.json and the tests. */
export interface CompiledLoss {
  readonly loss: TrainingLoss;
  /** `layers`: each layer's own call in order; `graph`: the model's generic graph execution. */
  readonly forward: 'layers' | 'graph';
  /** True when the softmax/sigmoid head and the cross-entropy are computed together from the logits. */
  readonly fusedHead: boolean;
}

/**
 * Layer classes whose `call` needs nothing from the generic `apply` path (no masks, no multiple inputs, no
 * regularizer hooks), so a sequential stack of them can be run layer by layer.
 */
const DIRECT_CALL = new Set([
  'Dense',
  'Embedding',
  'Dropout',
  'Conv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'Flatten',
  'LSTM',
  'LayerNormalization',
  'GlobalAveragePooling1D',
  'PositionEmbedding',
  'TransformerEncoderBlock',
]);

interface DenseInternals {
  kernel: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor };
  useBias: boolean;
  activation: { getClassName(): string };
}

/**
 * The training loss for a model, computed the cheapest way that gives the same optimization:
 *
 * - A sequential model made of known layers runs each layer's `call` in turn instead of the generic graph
 *   executor, which re-walks the graph and re-checks input specs on every step.
 * - A softmax head with categorical cross-entropy (or a sigmoid head with binary cross-entropy) is computed from
 *   the logits with TF.js's fused softmax/sigmoid cross-entropy: fewer kernels, and a gradient of exactly
 *   `softmax − target` instead of one through a clipped `log`. The loss equals the layered one up to that clipping
 *   (probabilities below 1e-7).
 *
 * Anything else (functional models, masks, layers not listed) falls back to `model.apply` and the named loss.
 */
export function compileTrainingLoss(model: tf.LayersModel, lossName: string): CompiledLoss {
  const named = lossFor(lossName);
  const layers = model.layers;
  const sequential =
    model instanceof tf.Sequential && layers.length > 0 && layers.every((l) => DIRECT_CALL.has(l.getClassName()));
  if (!sequential) {
    return {
      loss: (xs, ys) => named(ys, model.apply(xs, { training: true }) as tf.Tensor),
      forward: 'graph',
      fusedHead: false,
    };
  }
  const body = layers.slice(0, -1);
  const head = layers.at(-1)!;
  const run = (xs: tf.Tensor, upTo: readonly tf.layers.Layer[]): tf.Tensor => {
    let h = xs;
    for (const layer of upTo) h = layer.call(h, { training: true }) as tf.Tensor;
    return h;
  };
  const fused = fusedHeadLoss(head, lossName);
  if (fused) {
    return {
      loss: (xs, ys) => {
        const h = run(xs, body);
        return h.rank === 2 ? fused(ys, h) : named(ys, head.call(h, { training: true }) as tf.Tensor);
      },
      forward: 'layers',
      fusedHead: true,
    };
  }
  return { loss: (xs, ys) => named(ys, run(xs, layers)), forward: 'layers', fusedHead: false };
}

/** The fused head-and-loss for a Dense softmax/sigmoid head under cross-entropy, else undefined. */
function fusedHeadLoss(
  head: tf.layers.Layer,
  lossName: string,
): ((ys: tf.Tensor, h: tf.Tensor) => tf.Scalar) | undefined {
  if (head.getClassName() !== 'Dense') return undefined;
  const dense = head as unknown as DenseInternals;
  const activation = dense.activation.getClassName();
  const logits = (h: tf.Tensor) =>
    tf.fused.matMul({
      a: h,
      b: dense.kernel.read(),
      ...(dense.useBias && dense.bias ? { bias: dense.bias.read() } : {}),
    });
  const categorical = lossName === 'categorical_crossentropy' || lossName === 'sparse_categorical_crossentropy';
  if (categorical && activation === 'softmax')
    return (ys, h) => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(ys, logits(h));
  if (lossName === 'binary_crossentropy' && activation === 'sigmoid')
    return (ys, h) => tf.losses.sigmoidCrossEntropy<tf.Tensor, tf.Scalar>(ys, logits(h));
  return undefined;
}
