import type { InMemoryDataset } from './dataset';
import { createRandom, normal } from './random';

/** What to generate. */
export interface SyntheticSpec {
  readonly samples: number;
  readonly inputShape: readonly number[];
  readonly outputs: number;
  readonly task: 'classification' | 'regression';
  readonly seed: number;
  /** Token inputs (the transformer preset): integer ids in [0, vocabSize) instead of Gaussian features. */
  readonly vocabSize?: number;
}

/**
 * Generates a learnable dataset deterministically from a seed: Gaussian features and a random linear "teacher";
 * classification labels are the teacher's argmax (one-hot), regression targets its outputs plus a little noise.
 * A model that learns shows a falling loss, which a run's tests and demos rely on. With `vocabSize`, features are
 * token ids and the teacher scores each token: the label depends on which tokens a sequence holds.
 */
export function createSyntheticData(spec: SyntheticSpec): InMemoryDataset {
  const random = createRandom(spec.seed);
  const width = spec.inputShape.reduce((a, b) => a * b, 1);
  if (spec.vocabSize) return tokenData(spec, width, random);
  const teacher = new Float32Array(width * spec.outputs);
  for (let i = 0; i < teacher.length; i++) teacher[i] = normal(random) / Math.sqrt(width);
  const features = new Float32Array(spec.samples * width);
  const targets = new Float32Array(spec.samples * spec.outputs);
  const scores = new Float32Array(spec.outputs);
  for (let s = 0; s < spec.samples; s++) {
    const row = features.subarray(s * width, (s + 1) * width);
    for (let i = 0; i < width; i++) row[i] = normal(random);
    scores.fill(0);
    for (let i = 0; i < width; i++) {
      const v = row[i]!;
      for (let o = 0; o < spec.outputs; o++) scores[o]! += v * teacher[i * spec.outputs + o]!;
    }
    writeTarget(
      targets.subarray(s * spec.outputs, (s + 1) * spec.outputs),
      scores,
      spec.task,
      () => 0.05 * normal(random),
    );
  }
  return { inputShape: spec.inputShape, targetWidth: spec.outputs, features, targets, size: spec.samples };
}

/** Sequences of token ids whose label (or target) is the sum of a random per-token teacher over the sequence. */
function tokenData(spec: SyntheticSpec, length: number, random: () => number): InMemoryDataset {
  const vocab = spec.vocabSize!;
  const teacher = new Float32Array(vocab * spec.outputs);
  for (let i = 0; i < teacher.length; i++) teacher[i] = normal(random) / Math.sqrt(length);
  const features = new Float32Array(spec.samples * length);
  const targets = new Float32Array(spec.samples * spec.outputs);
  const scores = new Float32Array(spec.outputs);
  for (let s = 0; s < spec.samples; s++) {
    scores.fill(0);
    for (let t = 0; t < length; t++) {
      const token = Math.floor(random() * vocab);
      features[s * length + t] = token;
      for (let o = 0; o < spec.outputs; o++) scores[o]! += teacher[token * spec.outputs + o]!;
    }
    writeTarget(targets.subarray(s * spec.outputs, (s + 1) * spec.outputs), scores, spec.task, () => 0);
  }
  return { inputShape: spec.inputShape, targetWidth: spec.outputs, features, targets, size: spec.samples };
}

/** The teacher's answer as a target row: one-hot of the best score (classification), or the scores plus noise. */
function writeTarget(
  target: Float32Array,
  scores: Float32Array,
  task: SyntheticSpec['task'],
  noise: () => number,
): void {
  if (task === 'classification') {
    let best = 0;
    for (let o = 1; o < scores.length; o++) if (scores[o]! > scores[best]!) best = o;
    target[best] = 1;
  } else for (let o = 0; o < scores.length; o++) target[o] = scores[o]! + noise();
}
