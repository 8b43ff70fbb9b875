/** A NumPy `.npy` array: its dtype (ONNX Runtime's name), shape and values. */
export interface NpyArray {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;
}

const DTYPES: Readonly<Record<string, readonly [string, number]>> = {
  '<f4': ['float32', 4],
  '<f8': ['float64', 8],
  '<i4': ['int32', 4],
  '<i8': ['int64', 8],
  '|u1': ['uint8', 1],
  '|i1': ['int8', 1],
  '|b1': ['bool', 1],
};

/**
 * Reads a `.npy` file (format versions 1–3, little-endian, C order). Throws an Error whose message says what is
 * wrong with the file; the caller adds the file's name.
 */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new Error('it is not a NumPy .npy file');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new Error('its header has no descr or shape');
  if (fortran) throw new Error('it is in Fortran order; save it with np.ascontiguousarray first');
  const type = DTYPES[descr];
  if (!type) throw new Error(`its dtype ${descr} is not one TrainLens reads (float32/64, int32/64, uint8, int8, bool)`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLength;
  const [dtype, size] = type;
  if (bytes.length - start < count * size)
    throw new Error(
      `it holds ${bytes.length - start} bytes of data where shape (${shape.join(', ')}) needs ${count * size}`,
    );
  const copy = bytes.slice(start, start + count * size).buffer;
  const data =
    dtype === 'float32'
      ? new Float32Array(copy)
      : dtype === 'float64'
        ? new Float64Array(copy)
        : dtype === 'int32'
          ? new Int32Array(copy)
          : dtype === 'int64'
            ? new BigInt64Array(copy)
            : dtype === 'int8'
              ? new Int8Array(copy)
              : new Uint8Array(copy);
  return { dtype, shape, data };
}
