/**
 * TensorProto (initializers, attribute tensors, sparse initializers) read for what the summary needs: the name and
 * how many bytes the data takes, never the data. raw_data and packed fields are skipped by their length; unpacked
 * values are counted. Tensors stored in another file (data_location EXTERNAL) are recorded with their location,
 * offset and length for the external-data checks. Field numbers: see modelProto.ts.
 */
import { tensorBytes, typedEntryBytes } from './dtypes';
import { BYTES, FIXED32, FIXED64, VARINT, WireError, type WireReader } from './wire';

/** A tensor whose data lives in another file. */
export interface ExternalRef {
  readonly tensor: string;
  /** The `location` entry, as written; undefined when the tensor names none. */
  readonly location: string | undefined;
  readonly offset: number;
  /** The `length` entry, when there is one. */
  readonly length: number | undefined;
  /** Bytes its dims and type need, when known. */
  readonly expected: number | undefined;
  readonly initializer: boolean;
}

/** A tensor's name and the bytes its data takes. */
export interface TensorInfo {
  readonly name: string;
  readonly bytes: number;
}

/** A TensorProto's name and data bytes; external data is recorded in `external`. */
export function readTensor(w: WireReader, end: number, initializer: boolean, external: ExternalRef[]): TensorInfo {
  let name = '';
  let dataType = 0;
  let elements = 1;
  let raw: number | undefined;
  let stringBytes = 0;
  const entries = { float: 0, int32: 0, int64: 0, double: 0, uint64: 0 };
  let location: string | undefined;
  let externalOffset = 0;
  let externalLength: number | undefined;
  let isExternal = false;
  w.fields(end, (field, wire, offset) => {
    switch (field) {
      case 1:
        if (wire === BYTES) {
          const dimsEnd = w.lengthDelimited(offset);
          while (w.pos < dimsEnd) elements *= w.int64();
          if (w.pos > dimsEnd) throw new WireError('malformed', `packed dims at offset ${offset} overrun`, offset);
        } else {
          w.expect(wire, VARINT, field, offset, 'TensorProto');
          elements *= w.int64();
        }
        return;
      case 2:
        w.expect(wire, VARINT, field, offset, 'TensorProto');
        dataType = w.uint32();
        return;
      case 8:
        w.expect(wire, BYTES, field, offset, 'TensorProto');
        name = w.text(offset);
        return;
      case 9:
        w.expect(wire, BYTES, field, offset, 'TensorProto');
        raw = w.skipBytes(offset);
        return;
      case 6:
        w.expect(wire, BYTES, field, offset, 'TensorProto');
        stringBytes += w.skipBytes(offset);
        return;
      case 4:
        entries.float += packedOrOne(w, wire, FIXED32, 4, field, offset);
        return;
      case 10:
        entries.double += packedOrOne(w, wire, FIXED64, 8, field, offset);
        return;
      case 5:
      case 7:
      case 11: {
        let count = 1;
        if (wire === BYTES) count = w.countPackedVarints(offset);
        else {
          w.expect(wire, VARINT, field, offset, 'TensorProto');
          w.skip(wire, field, offset);
        }
        entries[field === 5 ? 'int32' : field === 7 ? 'int64' : 'uint64'] += count;
        return;
      }
      case 13: {
        w.expect(wire, BYTES, field, offset, 'TensorProto');
        const [key, value] = readEntry(w, w.lengthDelimited(offset));
        if (key === 'location') location = value;
        else if (key === 'offset') externalOffset = Number(value) || 0;
        else if (key === 'length' && /^\d+$/.test(value.trim())) externalLength = Number(value);
        return;
      }
      case 14:
        w.expect(wire, VARINT, field, offset, 'TensorProto');
        isExternal = w.uint32() === 1;
        return;
      default:
        w.skip(wire, field, offset);
    }
  });
  const expected = Number.isFinite(elements) && elements >= 0 ? tensorBytes(dataType, elements) : undefined;
  if (isExternal) {
    external.push({
      tensor: name,
      location,
      offset: externalOffset,
      length: externalLength,
      expected,
      initializer,
    });
    return { name, bytes: externalLength ?? expected ?? 0 };
  }
  const typed =
    entries.float * typedEntryBytes('float', dataType) +
    entries.double * typedEntryBytes('double', dataType) +
    entries.int32 * typedEntryBytes('int32', dataType) +
    entries.int64 * typedEntryBytes('int64', dataType) +
    entries.uint64 * typedEntryBytes('uint64', dataType);
  return { name, bytes: raw ?? typed + stringBytes };
}

/** A SparseTensorProto: named by its values tensor, its bytes those of values and indices. */
export function readSparseTensor(w: WireReader, end: number, external: ExternalRef[]): TensorInfo {
  let name = '';
  let bytes = 0;
  w.fields(end, (field, wire, offset) => {
    if (field === 1 || field === 2) {
      w.expect(wire, BYTES, field, offset, 'SparseTensorProto');
      const tensor = readTensor(w, w.lengthDelimited(offset), true, external);
      if (field === 1) name = tensor.name;
      bytes += tensor.bytes;
    } else w.skip(wire, field, offset);
  });
  return { name, bytes };
}

/** A StringStringEntryProto as [key, value]. */
function readEntry(w: WireReader, end: number): [string, string] {
  let key = '';
  let value = '';
  w.fields(end, (field, wire, offset) => {
    if (field === 1 || field === 2) {
      w.expect(wire, BYTES, field, offset, 'StringStringEntryProto');
      if (field === 1) key = w.text(offset);
      else value = w.text(offset);
    } else w.skip(wire, field, offset);
  });
  return [key, value];
}

/** Entries of a fixed-size repeated field: packed (a length) or one unpacked value. */
function packedOrOne(w: WireReader, wire: number, unpacked: number, size: number, field: number, offset: number) {
  if (wire === BYTES) return Math.floor(w.skipBytes(offset) / size);
  w.expect(wire, unpacked, field, offset, 'TensorProto');
  w.skip(wire, field, offset);
  return 1;
}
