import * as tf from '@tensorflow/tfjs';

/**
 * Silences TF.js's console notices, among them the "Hi, looks like you are running TensorFlow.js in Node.js"
 * banner the cpu backend prints on its first tensor. The engine's stderr reaches the user as error lines (the CLI's
 * terminal, the extension's output channel), and TrainLens reports the backend it chose and why the faster ones
 * were skipped itself. `PROD` is TF.js's documented switch for its notices (tfjs#5349): it gates only `warn` and
 * `log`, not errors or results. Called once, before any backend is activated.
 */
export function silenceTfjsNotices(): void {
  tf.env().set('PROD', true);
}
