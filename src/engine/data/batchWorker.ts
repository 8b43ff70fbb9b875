/**
 * A data worker: holds the dataset's shared sample arrays and copies the rows of each batch it is asked for into new
 * arrays, which it hands back without copying (transferred). The training thread decides which samples go in each
 * batch, so batches are the same with or without workers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { assembleBatch, type SampleArrays } from './assemble';

/** What the pool sends at start: the shared buffers and row widths. */
export interface WorkerInit {
  readonly features: SharedArrayBuffer;
  readonly targets: SharedArrayBuffer;
  readonly width: number;
  readonly targetWidth: number;
}

/** One request: a job id and the sample indices of a batch. */
export interface WorkerJob {
  readonly id: number;
  readonly indices: Uint32Array;
}

if (parentPort) {
  const init = workerData as WorkerInit;
  const data: SampleArrays = {
    features: new Float32Array(init.features),
    targets: new Float32Array(init.targets),
    width: init.width,
    targetWidth: init.targetWidth,
  };
  const port = parentPort;
  port.on('message', (job: WorkerJob) => {
    const { x, y } = assembleBatch(data, job.indices);
    port.postMessage({ id: job.id, x, y }, [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer]);
  });
}
