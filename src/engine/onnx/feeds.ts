import { onnxFail } from './fail';
import { extname } from 'node:path';
import type { Tensor } from 'onnxruntime-node';
import type { OnnxFeed, OnnxInputSpec } from '../../protocol/onnx';
import { readBoundedBytes, readBoundedText } from '../../files/safeFiles';
import { createRandom } from '../data/random';
import { OnnxModelError } from './errors';
import { parseNpy } from './npy';
import type { OrtModule } from './runtime';
import { resolveShapes, type InputMeta } from './shapes';

/** The most bytes one synthesized or loaded input may take. */
export const MAX_INPUT_BYTES = 1024 ** 3;
/** The largest inputs file read. */
const MAX_FILE_BYTES = 1024 ** 3;

const ELEMENT_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
};

/** The tensors a run is fed, and what each was made from. */
export interface Feeds {
  readonly tensors: Record<string, Tensor>;
  readonly info: OnnxFeed[];
}

/**
 * Makes the inputs of a run: real values from `spec.file` for the inputs it names, seeded synthetic values for
 * the rest (floats in [0, 1), integers 0 or 1 so index inputs stay in range, random booleans).
 */
export function makeFeeds(
  ort: OrtModule,
  inputs: readonly InputMeta[],
  spec: OnnxInputSpec,
  modelPath: string,
  batch?: number,
): Feeds {
  const fromFile = spec.file ? readInputsFile(ort, spec.file, inputs, modelPath) : new Map<string, Tensor>();
  const missing = inputs.filter((i) => !fromFile.has(i.name));
  const shapes = resolveShapes(missing, spec, modelPath, batch);
  const random = createRandom(spec.seed ?? 1);
  const tensors: Record<string, Tensor> = {};
  const info: OnnxFeed[] = [];
  for (const input of inputs) {
    const loaded = fromFile.get(input.name);
    const tensor = loaded ?? synthesize(ort, input, shapes.get(input.name)!, random, modelPath);
    tensors[input.name] = tensor;
    info.push({
      name: input.name,
      dtype: input.dtype,
      shape: [...tensor.dims],
      source: loaded ? spec.file! : 'synthetic',
    });
  }
  return { tensors, info };
}

function synthesize(
  ort: OrtModule,
  input: InputMeta,
  shape: number[],
  random: () => number,
  modelPath: string,
): Tensor {
  const bytes = ELEMENT_BYTES[input.dtype];
  if (bytes === undefined)
    throw onnxFail(
      'dtype',
      `${modelPath}: input '${input.name}' is a ${input.dtype} tensor, which TrainLens cannot synthesize.`,
      modelPath,
      input.name,
      input.dtype === 'string'
        ? `Give real values in a JSON file: --inputs file.json with {"${input.name}": ["text", …]}.`
        : 'Give real values in a JSON file with --inputs, or profile a model whose inputs are numeric tensors.',
    );
  const count = shape.reduce((a, b) => a * b, 1);
  if (count * bytes > MAX_INPUT_BYTES)
    throw onnxFail(
      'input-shape',
      `${modelPath}: input '${input.name}' of shape [${shape.join(', ')}] would take ${((count * bytes) / 1024 ** 3).toFixed(1)} GiB.`,
      modelPath,
      input.name,
      'Choose smaller dims with --dim or --input.',
    );
  return new ort.Tensor(input.dtype as 'float32', fill(input.dtype, count, random), shape);
}

function fill(dtype: string, count: number, random: () => number) {
  switch (dtype) {
    case 'float32':
      return Float32Array.from({ length: count }, random);
    case 'float64':
      return Float64Array.from({ length: count }, random);
    case 'float16':
      // Half-precision bit patterns of values in [0, 1): exponent 14 (0.5–1) with a random mantissa.
      return Uint16Array.from({ length: count }, () => 0x3800 | Math.floor(random() * 1024));
    case 'int64':
      return BigInt64Array.from({ length: count }, () => BigInt(random() < 0.5 ? 0 : 1));
    case 'uint64':
      return BigUint64Array.from({ length: count }, () => BigInt(random() < 0.5 ? 0 : 1));
    case 'bool':
      return Uint8Array.from({ length: count }, () => (random() < 0.5 ? 0 : 1));
    default: {
      const Typed = {
        int8: Int8Array,
        uint8: Uint8Array,
        int16: Int16Array,
        uint16: Uint16Array,
        int32: Int32Array,
        uint32: Uint32Array,
      }[dtype as 'int8'];
      return Typed.from({ length: count }, () => (random() < 0.5 ? 0 : 1));
    }
  }
}

/** Tensors from a `.json` (input name → nested array, or {dims, data}) or `.npy` (the first input) file. */
function readInputsFile(
  ort: OrtModule,
  file: string,
  inputs: readonly InputMeta[],
  modelPath: string,
): Map<string, Tensor> {
  const refuse = (why: string, subject?: string) =>
    onnxFail(
      'input-file',
      `${file}: ${why}.`,
      modelPath,
      subject ?? file,
      'Fix the inputs file or leave out --inputs to use synthetic inputs.',
    );
  let values: Map<string, { dims: number[]; data: unknown[] | ArrayLike<unknown> }>;
  try {
    if (extname(file).toLowerCase() === '.npy') {
      const array = parseNpy(readBoundedBytes(file, 'the inputs file', MAX_FILE_BYTES));
      const first = inputs[0];
      if (!first) throw new Error('the model has no inputs');
      if (array.dtype !== first.dtype)
        throw new Error(`it holds ${array.dtype} but input '${first.name}' is ${first.dtype}`);
      return new Map([
        [first.name, new ort.Tensor(array.dtype as 'float32', array.data as Float32Array, [...array.shape])],
      ]);
    }
    values = parseJsonInputs(readBoundedText(file, 'the inputs file', MAX_FILE_BYTES));
  } catch (error) {
    if (error instanceof OnnxModelError) throw error;
    throw refuse((error as Error).message);
  }
  const tensors = new Map<string, Tensor>();
  for (const [name, { dims, data }] of values) {
    const input = inputs.find((i) => i.name === name);
    if (!input)
      throw refuse(
        `it names '${name}', which is not an input of the model (${inputs.map((i) => i.name).join(', ')})`,
        name,
      );
    if (
      dims.length !== input.shape.length ||
      dims.some((d, i) => typeof input.shape[i] === 'number' && input.shape[i] > 0 && input.shape[i] !== d)
    )
      throw refuse(`'${name}' has shape [${dims.join(', ')}] but the input is [${input.shape.join(', ')}]`, name);
    tensors.set(name, toTensor(ort, input, dims, Array.from(data), refuse));
  }
  return tensors;
}

function toTensor(
  ort: OrtModule,
  input: InputMeta,
  dims: number[],
  data: unknown[],
  refuse: (why: string, subject?: string) => Error,
): Tensor {
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count)
    throw refuse(
      `'${input.name}' has ${data.length} values where shape [${dims.join(', ')}] needs ${count}`,
      input.name,
    );
  if (input.dtype === 'string') {
    if (!data.every((v) => typeof v === 'string'))
      throw refuse(`'${input.name}' is a string input: give strings`, input.name);
    return new ort.Tensor('string', data, dims);
  }
  if (!data.every((v) => typeof v === 'number' || typeof v === 'boolean'))
    throw refuse(`'${input.name}' holds a value that is not a number`, input.name);
  const numbers = data.map(Number);
  const typed =
    input.dtype === 'float32'
      ? Float32Array.from(numbers)
      : input.dtype === 'float64'
        ? Float64Array.from(numbers)
        : input.dtype === 'int64'
          ? BigInt64Array.from(numbers.map((n) => BigInt(Math.trunc(n))))
          : input.dtype === 'int32'
            ? Int32Array.from(numbers)
            : input.dtype === 'bool' || input.dtype === 'uint8'
              ? Uint8Array.from(numbers)
              : input.dtype === 'int8'
                ? Int8Array.from(numbers)
                : undefined;
  if (!typed)
    throw refuse(`input '${input.name}' is ${input.dtype}, which the JSON reader does not convert`, input.name);
  return new ort.Tensor(input.dtype as 'float32', typed as Float32Array, dims);
}

/** `{"name": [[…]]}` or `{"name": {"dims": [...], "data": [...]}}` → dims and flat values per input. */
function parseJsonInputs(text: string): Map<string, { dims: number[]; data: unknown[] }> {
  const root = JSON.parse(text) as unknown;
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    throw new Error('it must be a JSON object: input name → values');
  const result = new Map<string, { dims: number[]; data: unknown[] }>();
  for (const [name, value] of Object.entries(root)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const { dims, data } = value as { dims?: unknown; data?: unknown };
      if (!Array.isArray(dims) || !Array.isArray(data) || !dims.every((d) => Number.isInteger(d)))
        throw new Error(`'${name}' must be a nested array or {"dims": [...], "data": [...]}`);
      result.set(name, { dims: dims as number[], data });
    } else result.set(name, flatten(name, value));
  }
  return result;
}

function flatten(name: string, value: unknown): { dims: number[]; data: unknown[] } {
  const dims: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) dims.push(level.length);
  const data = dims.length > 0 ? (value as unknown[]).flat((dims.length - 1) as 1) : [value];
  if (data.some((v) => Array.isArray(v)) || data.length !== dims.reduce((a, b) => a * b, 1))
    throw new Error(`'${name}' is a ragged array: every row must have the same length`);
  return { dims, data };
}
