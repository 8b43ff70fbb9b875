/**
 * ValueInfoProto (graph inputs and outputs): the name, the element type as ONNX Runtime JS names it and the shape,
 * each dim a size, a symbolic name (dim_param) or `?`. Non-tensor types (sequence, map, optional, sparse tensor,
 * opaque) are named by their kind. Field numbers: see modelProto.ts.
 */
import type { OnnxDim, OnnxValueInfo } from '../../protocol/onnx';
import { dtypeName } from './dtypes';
import { BYTES, VARINT, type WireReader } from './wire';

/** A ValueInfoProto: a graph input or output. */
export function readValueInfo(w: WireReader, end: number): OnnxValueInfo {
  let name = '';
  let type: { dtype: string; shape: OnnxDim[] } = { dtype: 'undefined', shape: [] };
  w.fields(end, (field, wire, offset) => {
    if (field === 1) {
      w.expect(wire, BYTES, field, offset, 'ValueInfoProto');
      name = w.text(offset);
    } else if (field === 2) {
      w.expect(wire, BYTES, field, offset, 'ValueInfoProto');
      type = readType(w, w.lengthDelimited(offset));
    } else w.skip(wire, field, offset);
  });
  return { name, dtype: type.dtype, shape: type.shape };
}

/** A TypeProto: tensors with their element type and shape; other kinds by name only. */
function readType(w: WireReader, end: number): { dtype: string; shape: OnnxDim[] } {
  let result: { dtype: string; shape: OnnxDim[] } = { dtype: 'undefined', shape: [] };
  w.fields(end, (field, wire, offset) => {
    const kind = NON_TENSOR_TYPES[field];
    if (field === 1) {
      w.expect(wire, BYTES, field, offset, 'TypeProto');
      result = readTensorType(w, w.lengthDelimited(offset));
    } else if (kind !== undefined) {
      w.expect(wire, BYTES, field, offset, 'TypeProto');
      w.skip(wire, field, offset);
      result = { dtype: kind, shape: [] };
    } else w.skip(wire, field, offset);
  });
  return result;
}

function readTensorType(w: WireReader, end: number): { dtype: string; shape: OnnxDim[] } {
  let elemType = 0;
  const shape: OnnxDim[] = [];
  w.fields(end, (field, wire, offset) => {
    if (field === 1) {
      w.expect(wire, VARINT, field, offset, 'TypeProto.Tensor');
      elemType = w.uint32();
    } else if (field === 2) {
      w.expect(wire, BYTES, field, offset, 'TypeProto.Tensor');
      w.fields(w.lengthDelimited(offset), (dimField, dimWire, dimOffset) => {
        if (dimField === 1) {
          w.expect(dimWire, BYTES, dimField, dimOffset, 'TensorShapeProto');
          shape.push(readDim(w, w.lengthDelimited(dimOffset)));
        } else w.skip(dimWire, dimField, dimOffset);
      });
    } else w.skip(wire, field, offset);
  });
  return { dtype: dtypeName(elemType), shape };
}

function readDim(w: WireReader, end: number): OnnxDim {
  let dim: OnnxDim = '?';
  w.fields(end, (field, wire, offset) => {
    if (field === 1) {
      w.expect(wire, VARINT, field, offset, 'TensorShapeProto.Dimension');
      dim = w.int64();
    } else if (field === 2) {
      w.expect(wire, BYTES, field, offset, 'TensorShapeProto.Dimension');
      dim = w.text(offset) || '?';
    } else w.skip(wire, field, offset);
  });
  return dim;
}

/** TypeProto's non-tensor kinds by field number, as the summary names them. */
const NON_TENSOR_TYPES: Readonly<Record<number, string>> = {
  4: 'sequence',
  5: 'map',
  7: 'opaque',
  8: 'sparse_tensor',
  9: 'optional',
};
