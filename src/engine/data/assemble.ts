/** The rows of one batch, copied into contiguous arrays (features, then targets). */
export interface BatchArrays {
  readonly x: Float32Array;
  readonly y: Float32Array;
}

/** The sample arrays a batch is copied from (an in-memory dataset, or its shared copy in a data worker). */
export interface SampleArrays {
  readonly features: Float32Array;
  readonly targets: Float32Array;
  /** Values per sample and per target row. */
  readonly width: number;
  readonly targetWidth: number;
}

/**
 * Copies the rows of `indices` into contiguous feature and target arrays. Imports nothing, so data workers can run
 * it without loading TF.js.
 */
export function assembleBatch(data: SampleArrays, indices: Uint32Array): BatchArrays {
  const { width, targetWidth } = data;
  const x = new Float32Array(indices.length * width);
  const y = new Float32Array(indices.length * targetWidth);
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b]!;
    x.set(data.features.subarray(i * width, (i + 1) * width), b * width);
    y.set(data.targets.subarray(i * targetWidth, (i + 1) * targetWidth), b * targetWidth);
  }
  return { x, y };
}
