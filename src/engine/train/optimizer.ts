import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from '../../config/types';

/** An optimizer whose learning rate the schedule can set before each step. */
export interface ScheduledOptimizer {
  readonly optimizer: tf.Optimizer;
  setLearningRate(lr: number): void;
  /** Decoupled weight decay (adamw), applied after the update; 0 otherwise. */
  readonly weightDecay: number;
}

/** The optimizer `training.optimizer` names, with its parameters. */
export function createOptimizer(
  config: TrainingConfig['optimizer'] & {
    momentum?: number;
    beta1?: number;
    beta2?: number;
    epsilon?: number;
    weight_decay?: number;
  },
): ScheduledOptimizer {
  const lr = config.learning_rate ?? 0.001;
  let optimizer: tf.Optimizer;
  switch (config.name) {
    case 'sgd':
      optimizer = tf.train.sgd(lr);
      break;
    case 'momentum':
      optimizer = tf.train.momentum(lr, config.momentum ?? 0.9);
      break;
    case 'adam':
    case 'adamw':
      optimizer = tf.train.adam(lr, config.beta1 ?? 0.9, config.beta2 ?? 0.999, config.epsilon ?? 1e-7);
      break;
    case 'rmsprop':
      optimizer = tf.train.rmsprop(lr, 0.9, config.momentum ?? 0, config.epsilon ?? 1e-7);
      break;
    case 'adagrad':
      optimizer = tf.train.adagrad(lr);
      break;
  }
  return {
    optimizer,
    // TF.js optimizers read `learningRate` at every step; the field is not part of the public typings.
    setLearningRate: (value) => {
      (optimizer as unknown as { learningRate: number }).learningRate = value;
    },
    weightDecay: config.name === 'adamw' ? (config.weight_decay ?? 0.01) : 0,
  };
}

/** The learning rate at `step` (0-based) under `training.schedule`, with linear warm-up first. */
export function learningRateAt(
  step: number,
  base: number,
  schedule: TrainingConfig['schedule'] & { decay_rate?: number; min_lr?: number } = {},
): number {
  const warmup = schedule.warmup_steps ?? 0;
  if (step < warmup) return (base * (step + 1)) / warmup;
  const t = step - warmup;
  const decaySteps = schedule.decay_steps ?? 1000;
  const rate = schedule.decay_rate ?? 0.5;
  const floor = schedule.min_lr ?? 0;
  switch (schedule.type ?? 'constant') {
    case 'step':
      return base * rate ** Math.floor(t / decaySteps);
    case 'exponential':
      return base * rate ** (t / decaySteps);
    case 'cosine':
      return floor + ((base - floor) * (1 + Math.cos((Math.PI * Math.min(t, decaySteps)) / decaySteps))) / 2;
    case 'linear':
      return base - ((base - floor) * Math.min(t, decaySteps)) / decaySteps;
    default:
      return base;
  }
}

/** The bias-correction accumulators of TF.js's Adam optimizer (not part of getWeights), when present. */
export function adamAccumulators(optimizer: tf.Optimizer): Record<string, tf.Variable> {
  const internals = optimizer as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  return internals.accBeta1 && internals.accBeta2 ? { accBeta1: internals.accBeta1, accBeta2: internals.accBeta2 } : {};
}
