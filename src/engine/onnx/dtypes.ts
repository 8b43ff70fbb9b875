/**
 * ONNX element types (TensorProto.DataType) as ONNX Runtime's JavaScript API names them, and their sizes. Types
 * past uint64 are named as onnxruntime-common and ONNX name them, though onnxruntime-node cannot feed them.
 */

/** TensorProto.DataType → ONNX Runtime JS type name. */
const NAMES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
  24: 'float8e8m0',
};

/** Bits per element; string tensors have no fixed size. */
const BITS: Readonly<Record<number, number>> = {
  1: 32,
  2: 8,
  3: 8,
  4: 16,
  5: 16,
  6: 32,
  7: 64,
  9: 8,
  10: 16,
  11: 64,
  12: 32,
  13: 64,
  14: 64,
  15: 128,
  16: 16,
  17: 8,
  18: 8,
  19: 8,
  20: 8,
  21: 4,
  22: 4,
  23: 4,
  24: 8,
};

/** The ONNX Runtime JS name of an ONNX element type: `float32`, …; `undefined` for 0 and `type N` for unknown ones. */
export function dtypeName(dataType: number): string {
  if (dataType === 0) return 'undefined';
  return NAMES[dataType] ?? `type ${dataType}`;
}

/** Bytes that `elements` elements of `dataType` take (sub-byte types packed two to a byte); undefined when unknown. */
export function tensorBytes(dataType: number, elements: number): number | undefined {
  const bits = BITS[dataType];
  return bits === undefined ? undefined : Math.ceil((elements * bits) / 8);
}

/**
 * Bytes one entry of a typed data field stands for. ONNX stores float16, bfloat16, 8-bit and 4-bit values one per
 * int32_data entry (4-bit ones two to an entry, a byte's worth), so an entry is worth its element's size there.
 */
export function typedEntryBytes(field: 'float' | 'int32' | 'int64' | 'double' | 'uint64', dataType: number): number {
  switch (field) {
    case 'float':
      return 4;
    case 'double':
    case 'int64':
      return 8;
    case 'uint64':
      return dataType === 12 ? 4 : 8;
    case 'int32':
      return Math.max(1, (BITS[dataType] ?? 32) / 8) | 0;
  }
}
