import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNpy } from './npy';

/** A .npy v1 file as NumPy writes it: magic, version, a padded header dict, then the raw little-endian data. */
function npy(descr: string, shape: number[], data: ArrayBufferView): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  head.set(new TextEncoder().encode(header), 10);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

test('reads float32 and int64 arrays with their shapes', () => {
  const f = parseNpy(npy('<f4', [2, 3], Float32Array.from([1, 2, 3, 4, 5, 6])));
  assert.equal(f.dtype, 'float32');
  assert.deepEqual(f.shape, [2, 3]);
  assert.deepEqual(Array.from(f.data as Float32Array), [1, 2, 3, 4, 5, 6]);
  const i = parseNpy(npy('<i8', [3], BigInt64Array.from([1n, 2n, 3n])));
  assert.equal(i.dtype, 'int64');
  assert.deepEqual(Array.from(i.data as BigInt64Array), [1n, 2n, 3n]);
});

test('refuses what it cannot read, saying why', () => {
  assert.throws(() => parseNpy(new TextEncoder().encode('{"a": 1}')), /not a NumPy \.npy file/);
  assert.throws(() => parseNpy(npy('>f4', [1], Float32Array.from([1]))), /dtype >f4 is not one TrainLens reads/);
  const short = npy('<f4', [4], Float32Array.from([1, 2]));
  assert.throws(() => parseNpy(short), /holds 8 bytes of data where shape \(4\) needs 16/);
});
