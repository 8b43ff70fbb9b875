/** Samples held in memory as flat float arrays: features (samples × prod(inputShape)) and targets. */
export interface InMemoryDataset {
  readonly inputShape: readonly number[];
  /** Width of one target row: classes (one-hot) for classification, targets for regression. */
  readonly targetWidth: number;
  readonly features: Float32Array;
  readonly targets: Float32Array;
  readonly size: number;
}

/** Splits off the last `fraction` of the samples for validation (the data is already shuffled by its source). */
export function splitValidation(
  data: InMemoryDataset,
  fraction: number,
): { train: InMemoryDataset; validation?: InMemoryDataset } {
  const held = Math.floor(data.size * fraction);
  if (held === 0) return { train: data };
  const trainSize = data.size - held;
  const width = data.features.length / data.size;
  const slice = (from: number, to: number): InMemoryDataset => ({
    inputShape: data.inputShape,
    targetWidth: data.targetWidth,
    features: data.features.subarray(from * width, to * width),
    targets: data.targets.subarray(from * data.targetWidth, to * data.targetWidth),
    size: to - from,
  });
  return { train: slice(0, trainSize), validation: slice(trainSize, data.size) };
}
