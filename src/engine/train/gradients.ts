import * as tf from '@tensorflow/tfjs';

/** Adds a micro-batch's gradients `more` into `sum` in place, disposing the tensors both replace. */
export function addGradients(sum: tf.NamedTensorMap, more: tf.NamedTensorMap): void {
  for (const name of Object.keys(more)) {
    const summed = tf.add(sum[name]!, more[name]!);
    sum[name]!.dispose();
    more[name]!.dispose();
    sum[name] = summed;
  }
}

/**
 * The gradients the optimizer applies: the summed `grads` divided by the micro-batch count, scaled so their global
 * norm is at most `clipNorm` when set. Without accumulation or clipping (the common case) it returns `grads` itself
 * and runs no kernel; otherwise it returns new tensors and the caller disposes `grads`.
 */
export function gradientsToApply(
  grads: tf.NamedTensorMap,
  accumulation: number,
  clipNorm: number | undefined,
): tf.NamedTensorMap {
  if (accumulation === 1 && !clipNorm) return grads;
  return tf.tidy(() => {
    let list = Object.values(grads).map((g) => (accumulation === 1 ? g : tf.div(g, accumulation)));
    if (clipNorm) {
      const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(clipNorm), tf.maximum(norm, tf.scalar(1e-12))));
      list = list.map((g) => tf.mul(g, scale));
    }
    const named: tf.NamedTensorMap = {};
    Object.keys(grads).forEach((name, i) => (named[name] = list[i]!));
    return named;
  });
}
