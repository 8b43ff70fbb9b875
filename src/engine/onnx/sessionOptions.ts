import type { InferenceSession } from 'onnxruntime-node';
import type { OnnxSessionOptions } from '../../protocol/onnx';

/** Where ORT writes what TrainLens asked for: its profile (with a file prefix) and the optimized model. */
export interface SessionOutputs {
  readonly profilePrefix?: string;
  readonly optimizedModelPath?: string;
}

/**
 * ONNX Runtime's session options for TrainLens's settings. Unset fields stay unset, so ORT's own defaults apply
 * (what "default" means in a comparison). ORT's warnings go to the log, never to the terminal.
 */
export function toOrtOptions(
  options: OnnxSessionOptions,
  outputs: SessionOutputs = {},
): InferenceSession.SessionOptions {
  return {
    executionProviders: [options.provider],
    logSeverityLevel: 3,
    ...(options.intraOpThreads !== undefined ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(options.interOpThreads !== undefined ? { interOpNumThreads: options.interOpThreads } : {}),
    ...(options.executionMode ? { executionMode: options.executionMode } : {}),
    ...(options.graphOptimizationLevel ? { graphOptimizationLevel: options.graphOptimizationLevel } : {}),
    ...(options.enableMemPattern !== undefined ? { enableMemPattern: options.enableMemPattern } : {}),
    ...(options.enableCpuMemArena !== undefined ? { enableCpuMemArena: options.enableCpuMemArena } : {}),
    ...(options.allowSpinning !== undefined
      ? { extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } } }
      : {}),
    ...(outputs.profilePrefix ? { enableProfiling: true, profileFilePrefix: outputs.profilePrefix } : {}),
    ...(outputs.optimizedModelPath ? { optimizedModelFilePath: outputs.optimizedModelPath } : {}),
  };
}
