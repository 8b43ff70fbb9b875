/**
 * The protobuf wire format, bounded: protobufjs's `Reader` reads the primitives, and this class walks the fields
 * of one message at a time within the message's own end. A length that runs past the end of the bytes is a cut-off
 * file (`truncated`); anything else that is not protobuf (a field past its message's end, a group, a bad tag) is
 * `malformed`. Length-delimited fields are skipped by moving the position, never copied.
 */
import { Reader, type Long } from 'protobufjs/minimal';

/** Wire types ONNX uses. */
export const VARINT = 0;
export const FIXED64 = 1;
export const BYTES = 2;
export const FIXED32 = 5;

/** Why the bytes stopped being protobuf, and where. */
export class WireError extends Error {
  /** What was being read (`node 3 of the main graph`), once the model reader knows. */
  where?: string;

  constructor(
    readonly reason: 'truncated' | 'malformed',
    message: string,
    /** Byte offset of the field that broke. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** Decodes names, op types and domains; invalid UTF-8 becomes U+FFFD rather than an error. */
const utf8 = new TextDecoder('utf-8');

/** Strings longer than this are cut: names are short, and a hostile file must not make a 1 GB string. */
const MAX_TEXT_BYTES = 4096;

/** Walks the fields of messages in one buffer. */
export class WireReader {
  private readonly reader: Reader;

  constructor(readonly bytes: Uint8Array) {
    this.reader = Reader.create(bytes);
  }

  /** Where the reader is. */
  get pos(): number {
    return this.reader.pos;
  }

  /** The end of the bytes. */
  get length(): number {
    return this.bytes.length;
  }

  /**
   * Calls `visit(field, wire, offset)` for each field from here to `end`; `visit` reads the field's value with
   * the methods below or calls {@link skip}. A field that ends past `end` is malformed.
   */
  fields(end: number, visit: (field: number, wire: number, offset: number) => void): void {
    const reader = this.reader;
    while (reader.pos < end) {
      const offset = reader.pos;
      const tag = reader.tag();
      const field = tag >>> 3;
      if (field === 0) throw new WireError('malformed', `a field numbered 0 at offset ${offset}`, offset);
      visit(field, tag & 7, offset);
      if (reader.pos > end)
        throw new WireError('malformed', `field ${field} at offset ${offset} runs past the end of its message`, offset);
    }
  }

  /** Refuses a known field that arrives with another wire type than its declaration's. */
  expect(wire: number, expected: number, field: number, offset: number, message: string): void {
    if (wire !== expected)
      throw new WireError(
        'malformed',
        `field ${field} of ${message} at offset ${offset} has wire type ${wire}, not ${expected}`,
        offset,
      );
  }

  /** Reads a length prefix and returns where the value ends, refusing a length past the end of the bytes. */
  lengthDelimited(offset: number): number {
    const reader = this.reader;
    const length = reader.size();
    const end = reader.pos + length;
    if (end > this.bytes.length)
      throw new WireError(
        'truncated',
        `the field at offset ${offset} declares ${length.toLocaleString('en-US')} bytes, but the file ends ` +
          `${(this.bytes.length - reader.pos).toLocaleString('en-US')} bytes into it`,
        offset,
      );
    return end;
  }

  /** Skips a field's value of wire type `wire`. */
  skip(wire: number, field: number, offset: number): void {
    const reader = this.reader;
    switch (wire) {
      case VARINT:
        reader.skip();
        return;
      case FIXED64:
        reader.skip(8);
        return;
      case BYTES:
        reader.pos = this.lengthDelimited(offset);
        return;
      case FIXED32:
        reader.skip(4);
        return;
      default:
        throw new WireError('malformed', `field ${field} at offset ${offset} has wire type ${wire}`, offset);
    }
  }

  /** Skips the value and returns its length in bytes (a length-delimited field: raw_data, packed data, strings). */
  skipBytes(offset: number): number {
    const end = this.lengthDelimited(offset);
    const length = end - this.reader.pos;
    this.reader.pos = end;
    return length;
  }

  /** Counts the varints of a packed field (the bytes without the continuation bit) and skips it. */
  countPackedVarints(offset: number): number {
    const end = this.lengthDelimited(offset);
    const bytes = this.bytes;
    let count = 0;
    for (let i = this.reader.pos; i < end; i++) if (bytes[i]! < 0x80) count++;
    this.reader.pos = end;
    return count;
  }

  /** A varint as an unsigned 32-bit number (enums, element types; higher bits dropped). */
  uint32(): number {
    return this.reader.uint32();
  }

  /** A varint as a signed 64-bit integer, as a number (exact up to 2^53). */
  int64(): number {
    const value = this.reader.int64() as Long | number;
    return typeof value === 'number' ? value : value.high * 0x1_0000_0000 + (value.low >>> 0);
  }

  /** A length-delimited UTF-8 string, cut to 4 KiB. */
  text(offset: number): string {
    const end = this.lengthDelimited(offset);
    const start = this.reader.pos;
    this.reader.pos = end;
    return utf8.decode(this.bytes.subarray(start, Math.min(end, start + MAX_TEXT_BYTES)));
  }
}
