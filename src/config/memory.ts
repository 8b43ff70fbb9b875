import { effectiveSwitches } from './levels';
import type { LayerConfig, ModelConfig, TrainConfig } from './types';
import { formatBytes as formatByteSize } from '../common/format';

/** A memory estimate for one training step, in bytes, by what holds it. */
export interface MemoryPrediction {
  readonly parameters: number;
  /** Trainable weights (count, not bytes). */
  readonly parameterCount: number;
  readonly gradients: number;
  readonly optimizerState: number;
  /** Activations kept for the backward pass, for one micro-batch. */
  readonly activations: number;
  /** Input batches in flight (the one being trained plus prefetched ones). */
  readonly inputBatches: number;
  readonly total: number;
}

const FLOAT_BYTES = 4;
/** State tensors per weight each optimizer keeps. */
const OPTIMIZER_SLOTS: Readonly<Record<string, number>> = {
  sgd: 0,
  momentum: 1,
  adam: 2,
  adamw: 2,
  rmsprop: 2,
  adagrad: 1,
};
/** Share of activations kept with activation checkpointing (block inputs only, the rest recomputed). */
const CHECKPOINTING_KEEP = 0.35;

/** Weights and per-sample activation values of a model, counted layer by layer. */
interface ModelCost {
  readonly params: number;
  /** Values kept per sample for the backward pass. */
  readonly activations: number;
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Counts a preset or explicit model; undefined for saved models (their size is known only once loaded). */
export function modelCost(model: ModelConfig): ModelCost | undefined {
  const input = model.input_shape ?? [];
  const outputs = model.outputs ?? 1;
  if (model.layers) return layersCost(model.layers, input);
  switch (model.preset) {
    case 'mlp': {
      const dims = [product(input), ...(model.hidden ?? []), outputs];
      let params = 0;
      let activations = 0;
      for (let i = 1; i < dims.length; i++) {
        params += dims[i - 1]! * dims[i]! + dims[i]!;
        activations += 2 * dims[i]!; // pre- and post-activation values
      }
      return { params, activations };
    }
    case 'cnn': {
      let [h = 1, w = 1, c = 1] = input;
      let params = 0;
      let activations = 0;
      for (const f of model.filters ?? []) {
        params += 9 * c * f + f;
        activations += 2 * h * w * f; // conv output before and after the activation
        h = Math.max(1, Math.floor(h / 2));
        w = Math.max(1, Math.floor(w / 2));
        c = f;
        activations += h * w * c; // pooled output
      }
      params += h * w * c * outputs + outputs;
      return { params, activations: activations + outputs };
    }
    case 'lstm': {
      const [steps = 1, features = 1] = input;
      const units = model.units ?? 128;
      let params = 0;
      let activations = 0;
      let width = features;
      for (let i = 0; i < (model.num_layers ?? 2); i++) {
        params += 4 * (units * (width + units) + units);
        activations += 6 * steps * units; // four gates, cell and hidden state per time step
        width = units;
      }
      params += units * outputs + outputs;
      return { params, activations: activations + outputs };
    }
    case 'transformer': {
      const [seq = 128] = input;
      const d = model.d_model ?? 128;
      const ff = model.ff_dim ?? 512;
      const heads = model.heads ?? 4;
      let params = (model.vocab_size ?? 10000) * d + seq * d;
      let activations = seq * d;
      for (let i = 0; i < (model.num_layers ?? 2); i++) {
        params += 4 * (d * d + d) + 2 * d * ff + ff + d + 4 * d;
        activations += 10 * seq * d + 2 * heads * seq * seq + 2 * seq * ff;
      }
      params += d * outputs + outputs;
      return { params, activations: activations + outputs };
    }
    default:
      return undefined;
  }
}

function layersCost(layers: readonly LayerConfig[], input: readonly number[]): ModelCost {
  let shape = [...input];
  let params = 0;
  let activations = 0;
  for (const layer of layers) {
    const width = shape.at(-1) ?? 1;
    switch (layer.type) {
      case 'dense': {
        const units = layer.units ?? 1;
        params += width * units + units;
        shape = [...shape.slice(0, -1), units];
        activations += 2 * product(shape);
        break;
      }
      case 'conv2d': {
        const [h = 1, w = 1, c = 1] = shape;
        const f = layer.filters ?? 1;
        const k = layer.kernel_size ?? 3;
        params += k * k * c * f + f;
        shape = [h, w, f];
        activations += 2 * product(shape);
        break;
      }
      case 'maxpool2d': {
        const [h = 1, w = 1, c = 1] = shape;
        const k = layer.kernel_size ?? 2;
        shape = [Math.max(1, Math.floor(h / k)), Math.max(1, Math.floor(w / k)), c];
        activations += product(shape);
        break;
      }
      case 'flatten':
        shape = [product(shape)];
        break;
      case 'lstm': {
        const units = layer.units ?? 1;
        const steps = shape.length > 1 ? shape[0]! : 1;
        params += 4 * (units * (width + units) + units);
        activations += 6 * steps * units;
        shape = [units];
        break;
      }
      case 'embedding': {
        const units = layer.units ?? 1;
        params += (layer.vocab_size ?? 1) * units;
        shape = [...shape, units];
        activations += product(shape);
        break;
      }
      case 'layer_norm':
        params += 2 * width;
        activations += product(shape);
        break;
      case 'dropout':
        activations += product(shape); // the mask
        break;
    }
  }
  return { params, activations };
}

/**
 * Predicts the memory one training step needs: parameters + gradients + optimizer state + activations for the
 * micro-batch + input batches in flight. An estimate (within tens of percent of what TF.js allocates), meant to
 * catch a batch size that cannot fit before the run starts. Undefined for saved models.
 */
export function predictMemory(config: TrainConfig): MemoryPrediction | undefined {
  const cost = modelCost(config.model);
  if (!cost) return undefined;
  const switches = effectiveSwitches(config.optimization);
  const batch = config.data.batch_size;
  const parameters = cost.params * FLOAT_BYTES;
  const gradients = parameters;
  const optimizerState = parameters * (OPTIMIZER_SLOTS[config.training.optimizer.name] ?? 2);
  const activationBytes = switches.mixed_precision && config.engine?.backend === 'tensorflow' ? 2 : FLOAT_BYTES;
  const keep = switches.activation_checkpointing ? CHECKPOINTING_KEEP : 1;
  const activations = Math.round(cost.activations * batch * activationBytes * keep);
  const inputBatches =
    product(config.model.input_shape ?? [1]) *
    batch *
    FLOAT_BYTES *
    (1 + (switches.prefetch ?? config.data.prefetch ?? 0));
  return {
    parameters,
    parameterCount: cost.params,
    gradients,
    optimizerState,
    activations,
    inputBatches,
    total: parameters + gradients + optimizerState + activations + inputBatches,
  };
}

/** What a prediction is made of, in words: `parameters 1.50 MiB (…), gradients …, activations … for batch 32, …`. */
export function describePrediction(prediction: MemoryPrediction, batchSize: number): string {
  return (
    `parameters ${formatBytes(prediction.parameters)} (${prediction.parameterCount.toLocaleString('en-US')} weights), ` +
    `gradients ${formatBytes(prediction.gradients)}, optimizer state ${formatBytes(prediction.optimizerState)}, ` +
    `activations ${formatBytes(prediction.activations)} for batch ${batchSize}, input batches ${formatBytes(prediction.inputBatches)}`
  );
}

/**
 * The largest batch, halving `data.batch_size`, whose predicted step fits in `limitBytes`, with the gradient
 * accumulation that keeps the effective batch; undefined when even a batch of 1 does not fit.
 */
export function fittingBatch(
  config: TrainConfig,
  limitBytes: number,
): { readonly batchSize: number; readonly accumulation: number } | undefined {
  const accumulation = config.training.gradient_accumulation ?? 1;
  for (let factor = 2; ; factor *= 2) {
    const batchSize = Math.max(1, Math.ceil(config.data.batch_size / factor));
    const total = predictMemory({ ...config, data: { ...config.data, batch_size: batchSize } })?.total;
    if (total !== undefined && total <= limitBytes) return { batchSize, accumulation: accumulation * factor };
    if (batchSize === 1) return undefined;
  }
}

/** Formats a predicted size with three significant digits (`1.50 KiB`): predictions are exact, so the digits are too. */
export function formatBytes(bytes: number): string {
  return formatByteSize(bytes, { significant: 3 });
}
