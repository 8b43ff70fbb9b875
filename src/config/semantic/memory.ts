import { describePrediction, formatBytes, predictMemory } from '../memory';
import type { SemanticCheck } from './context';

/** The predicted memory of one step, as information, and as a warning above the configured or detected memory. */
export const checkMemory: SemanticCheck = (ctx) => {
  const prediction = predictMemory(ctx.config);
  if (!prediction) return;
  const limitMb = ctx.config.engine?.memory_limit_mb;
  const limit = limitMb !== undefined ? limitMb * 1024 * 1024 : ctx.env.availableMemoryBytes;
  const parts = describePrediction(prediction, ctx.config.data.batch_size);
  if (limit !== undefined && prediction.total > limit) {
    ctx.report(
      'warning',
      'semantic/memory-exceeds',
      ['data', 'batch_size'],
      `Predicted memory ${formatBytes(prediction.total)} exceeds the ${limitMb !== undefined ? 'configured limit' : 'available memory'} of ${formatBytes(limit)}: ${parts}. Lower data.batch_size (and raise training.gradient_accumulation to keep the effective batch) or turn on activation checkpointing.`,
    );
  } else {
    ctx.report(
      'info',
      'semantic/memory-prediction',
      ['model'],
      `Predicted memory per step: ${formatBytes(prediction.total)}: ${parts}.`,
      { on: 'key' },
    );
  }
};
