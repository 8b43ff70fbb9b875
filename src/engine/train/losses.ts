import * as tf from '@tensorflow/tfjs';

/** A loss as a function of one-hot (or real) targets and the model's outputs, reduced to a scalar mean. */
export type LossFn = (targets: tf.Tensor, outputs: tf.Tensor) => tf.Scalar;

/** The loss named by `training.loss`. Classification targets are one-hot; the head already applies softmax. */
export function lossFor(name: string): LossFn {
  switch (name) {
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy':
      return (y, p) => tf.mean<tf.Scalar>(tf.metrics.categoricalCrossentropy(y, p));
    case 'binary_crossentropy':
      return (y, p) => tf.mean<tf.Scalar>(tf.metrics.binaryCrossentropy(y, p));
    case 'mse':
      return (y, p) => tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(y, p);
    case 'mae':
      return (y, p) => tf.losses.absoluteDifference<tf.Tensor, tf.Scalar>(y, p);
    case 'huber':
      return (y, p) => tf.losses.huberLoss<tf.Tensor, tf.Scalar>(y, p);
    default:
      throw new Error(`training.loss: ${name} is not a loss TrainLens knows.`);
  }
}

/** Share of rows whose largest output matches the target's (accuracy for one-hot targets). */
export function accuracy(targets: tf.Tensor, outputs: tf.Tensor): tf.Scalar {
  return tf.tidy(() =>
    tf.mean<tf.Scalar>(tf.cast(tf.equal(tf.argMax(targets, -1), tf.argMax(outputs, -1)), 'float32')),
  );
}
