import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writer } from 'protobufjs/minimal';
import { dtypeName, tensorBytes, typedEntryBytes } from './dtypes';
import { parseModel } from './modelProto';
import { BYTES, VARINT, WireError, WireReader } from './wire';

test('int64 varints read as numbers, negative ones too', () => {
  const bytes = Writer.create()
    .int64(-1)
    .int64(2 ** 40)
    .int64(7)
    .finish();
  const w = new WireReader(bytes);
  assert.deepEqual([w.int64(), w.int64(), w.int64()], [-1, 2 ** 40, 7]);
});

test('a length past the end is truncated; a field past its message or a group is malformed', () => {
  const cut = Writer.create()
    .uint32((7 << 3) | BYTES)
    .uint32(100)
    .finish(); // graph: 100 bytes announced, none given
  assert.throws(
    () => parseModel(cut),
    (e) => e instanceof WireError && e.reason === 'truncated' && e.where === 'the main graph',
  );
  // A graph of 2 bytes whose first field (a node) claims 5.
  const overrun = Writer.create()
    .uint32((7 << 3) | BYTES)
    .uint32(2)
    .uint32((1 << 3) | BYTES)
    .uint32(5)
    .finish();
  const padded = new Uint8Array([...overrun, 0, 0, 0, 0, 0, 0]);
  assert.throws(
    () => parseModel(padded),
    (e) => e instanceof WireError && e.reason === 'malformed',
  );
  assert.throws(
    () => parseModel(new Uint8Array([(1 << 3) | 3])),
    (e) => e instanceof WireError && e.reason === 'malformed',
  );
  // ir_version as a string: a known field with the wrong wire type.
  const wrongType = Writer.create()
    .uint32((1 << 3) | BYTES)
    .string('8')
    .finish();
  assert.throws(() => parseModel(wrongType), /field 1 of ModelProto at offset 0 has wire type 2, not 0/);
  // A varint cut off at the end of the file: protobufjs's RangeError, reported as truncated.
  const varint = Writer.create()
    .uint32((1 << 3) | VARINT)
    .finish();
  assert.throws(
    () => parseModel(new Uint8Array([...varint, 0x80])),
    (e) => e instanceof WireError && e.reason === 'truncated',
  );
});

test('element types are named as ONNX Runtime JS names them, with their sizes', () => {
  assert.deepEqual([1, 7, 8, 9, 10, 11, 16, 22, 0, 99].map(dtypeName), [
    'float32',
    'int64',
    'string',
    'bool',
    'float16',
    'float64',
    'bfloat16',
    'int4',
    'undefined',
    'type 99',
  ]);
  assert.equal(tensorBytes(1, 6), 24);
  assert.equal(tensorBytes(21, 3), 2); // 4-bit values, two to a byte
  assert.equal(tensorBytes(8, 3), undefined); // strings have no fixed size
  assert.equal(typedEntryBytes('int32', 10), 2); // float16 values stored one per int32_data entry
  assert.equal(typedEntryBytes('uint64', 12), 4);
});
