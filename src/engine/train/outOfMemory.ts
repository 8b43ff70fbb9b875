/** Messages by which each backend reports running out of memory. */
const OUT_OF_MEMORY = [
  /memory access out of bounds/i, // wasm: an allocation failed and the heap could not grow
  /Cannot enlarge memory|Aborted\(OOM\)|out of memory/i, // wasm (emscripten), generic
  /Array buffer allocation failed|Invalid typed array length/i, // cpu backend: the JavaScript heap
  /OOM when allocating|RESOURCE_EXHAUSTED|CUDA_ERROR_OUT_OF_MEMORY|failed to allocate/i, // tfjs-node(-gpu)
];

/** True when an error thrown by a backend means it ran out of memory. */
export function isOutOfMemory(error: unknown): boolean {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return OUT_OF_MEMORY.some((pattern) => pattern.test(message));
}

/** Where in a step the memory ran out. */
export type StepPhase = 'data' | 'forward_backward' | 'optimizer' | 'metrics' | 'validation' | 'checkpoint';

/** A run stopped by out-of-memory: the batch that failed, where, and what to change. */
export class OutOfMemoryError extends Error {
  constructor(
    readonly step: number,
    readonly batchSize: number,
    readonly accumulation: number,
    readonly phase: StepPhase,
    readonly backendMessage: string,
  ) {
    const half = Math.max(1, Math.floor(batchSize / 2));
    super(
      `out of memory in step ${step} with data.batch_size ${batchSize} (${phase.replace('_', '/')}; the backend said: ${backendMessage}). ` +
        `Lower data.batch_size to ${half} and set training.gradient_accumulation: ${accumulation * 2} to keep the effective batch, ` +
        `or set optimization.memory.action: reduce_batch to let the engine do it when memory runs high.`,
    );
    this.name = 'OutOfMemoryError';
  }
}
