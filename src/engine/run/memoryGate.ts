import { describePrediction, fittingBatch, formatBytes, predictMemory } from '../../config/memory';
import type { TrainConfig } from '../../config/types';
import type { BackendName } from '../../protocol/backends';
import type { EnvironmentReport } from '../../protocol/types';
import { RunInputError } from './failure';

/** The memory a run's step must fit in, and where that number comes from, in words. */
export function memoryLimitOf(
  config: TrainConfig,
  environment: EnvironmentReport,
  backend: BackendName,
): { readonly bytes: number; readonly source: string } {
  const limitMb = config.engine?.memory_limit_mb;
  if (limitMb !== undefined) return { bytes: limitMb * 1024 * 1024, source: `engine.memory_limit_mb (${limitMb} MiB)` };
  const gpu = environment.gpus[0];
  if (backend === 'tensorflow-gpu' && gpu)
    return { bytes: gpu.memoryTotalBytes, source: `the memory of the GPU (${formatBytes(gpu.memoryTotalBytes)})` };
  return {
    bytes: environment.memory.totalBytes,
    source: `this machine's memory (${formatBytes(environment.memory.totalBytes)})`,
  };
}

/**
 * Refuses a run whose predicted step (src/config/memory.ts, the prediction validate reports) needs more memory than
 * the limit, before the model is built: such a run can only end out of memory, after allocating all it can. The
 * error is the config's, with the prediction and the batch that fits. Saved models have no prediction and pass.
 */
export function refuseHopelessRun(
  config: TrainConfig,
  environment: EnvironmentReport,
  backend: BackendName,
  configPath: string,
): void {
  const prediction = predictMemory(config);
  if (!prediction) return;
  const limit = memoryLimitOf(config, environment, backend);
  if (prediction.total <= limit.bytes) return;
  const fits = fittingBatch(config, limit.bytes);
  const fix = fits
    ? `Lower data.batch_size to ${fits.batchSize} and set training.gradient_accumulation: ${fits.accumulation} to keep the effective batch`
    : `Even data.batch_size 1 does not fit: the model's weights, gradients and optimizer state alone take ${formatBytes(prediction.parameters + prediction.gradients + prediction.optimizerState)}; use a smaller model`;
  throw new RunInputError(
    `the predicted memory of one step, ${formatBytes(prediction.total)} (${describePrediction(prediction, config.data.batch_size)}), ` +
      `is over ${limit.source}, so the run would run out of memory; nothing was allocated. ${fix}, or run with --force to try anyway.`,
    configPath,
    'data.batch_size',
    'config',
  );
}
