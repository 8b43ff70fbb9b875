import type * as tf from '@tensorflow/tfjs';
import type { BatchSource } from '../data/source';
import type { LoopInput } from './loopTypes';
import { adamAccumulators, type ScheduledOptimizer } from './optimizer';

/** Restores the model weights, the optimizer state and the data position of a checkpoint to continue from. */
export async function restoreCheckpoint(
  resume: NonNullable<LoopInput['resume']>,
  model: tf.LayersModel,
  opt: ScheduledOptimizer,
  batches: BatchSource,
): Promise<void> {
  const { state, tensors } = resume;
  const modelWeights = model.weights.map((_, i) => tensors.get(`model/${i}`));
  if (modelWeights.some((t) => !t)) throw new Error('the checkpoint does not match the model (a weight is missing)');
  model.setWeights(modelWeights as tf.Tensor[]);
  const optimizerWeights = [...tensors.keys()]
    .filter((k) => k.startsWith('opt/'))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  if (optimizerWeights.length > 0)
    await opt.optimizer.setWeights(optimizerWeights.map((k) => ({ name: k, tensor: tensors.get(k)! })));
  // Adam's bias-correction accumulators: setWeights recomputes them with pow(), which rounds differently from the
  // step-by-step products of an uninterrupted run; the saved values make the resumed run bit-identical.
  for (const [name, variable] of Object.entries(adamAccumulators(opt.optimizer))) {
    const saved = tensors.get(`optx/${name}`);
    if (saved) variable.assign(saved);
  }
  await batches.restore(state.batches);
  if (state.batchSize) batches.batchSize = state.batchSize;
}
