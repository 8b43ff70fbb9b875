import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BatchArrays, SampleArrays } from './assemble';
import type { WorkerInit, WorkerJob } from './batchWorker';

/**
 * The worker script: the bundled `batchWorker.js` next to the engine; when the engine runs from its TypeScript
 * sources (tests, benchmarks), a one-line bootstrap that registers tsx and loads `batchWorker.ts`.
 */
function workerScript(): { script: string; eval: boolean } {
  const bundled = join(__dirname, 'batchWorker.js');
  if (existsSync(bundled)) return { script: bundled, eval: false };
  const source = JSON.stringify(join(__dirname, 'batchWorker.ts'));
  return { script: `require('tsx/cjs'); require(${source});`, eval: true };
}

/** Copies a float array into shared memory, which every worker then reads without copying. */
function shared(array: Float32Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(array.byteLength);
  new Float32Array(buffer).set(array);
  return buffer;
}

/**
 * Worker threads that assemble batches in parallel with training. The sample arrays are copied once into shared
 * memory; each job sends only the batch's sample indices and gets the rows back as transferred arrays. Jobs go to
 * the workers in turn; each job's promise resolves with its own batch, so order is kept by the caller.
 */
export class BatchWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve(arrays: BatchArrays): void; reject(error: Error): void }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(samples: SampleArrays, count: number) {
    const init: WorkerInit = {
      features: shared(samples.features),
      targets: shared(samples.targets),
      width: samples.width,
      targetWidth: samples.targetWidth,
    };
    const { script, eval: isCode } = workerScript();
    for (let i = 0; i < count; i++) {
      const worker = new Worker(script, { workerData: init, eval: isCode });
      worker.unref(); // a pool never keeps the engine alive
      worker.on('message', (message: { id: number } & BatchArrays) => {
        const job = this.pending.get(message.id);
        this.pending.delete(message.id);
        job?.resolve({ x: message.x, y: message.y });
      });
      worker.on('error', (error) => this.fail(new Error(`a data worker failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a data worker exited with code ${code}`));
      });
      this.workers.push(worker);
    }
  }

  /** Assembles the rows of `indices` in the next worker. */
  assemble(indices: Uint32Array): Promise<BatchArrays> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const job: WorkerJob = { id, indices: indices.slice() };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[id % this.workers.length]!.postMessage(job, [job.indices.buffer as ArrayBuffer]);
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }

  /** Stops the workers; jobs still running are rejected. */
  async dispose(): Promise<void> {
    this.failure ??= new Error('the data workers were stopped');
    for (const job of this.pending.values()) job.reject(this.failure);
    this.pending.clear();
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}
