import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { formatBytes } from '../../common/format';

/** A trace file that cannot be read, with what is wrong and where. */
export class TraceError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'TraceError';
  }
}

/** What the reader found besides the events: the root's other members (Kineto: deviceProperties, distributedInfo…). */
export interface TraceDocument {
  /** `object` for `{ "traceEvents": [...] }` files, `array` for a bare array of events (ONNX Runtime, Chrome). */
  readonly root: 'object' | 'array';
  /** The root object's members other than the event array, parsed (empty for an array root). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Events handed to the callback. */
  readonly events: number;
  /** Array elements of the event array (handed to `onRow`). */
  readonly rows: number;
  /** Bytes of JSON read (after decompression). */
  readonly bytes: number;
}

/** Options of {@link readTrace}. */
export interface ReadTraceOptions {
  /** Called with each event object, in file order. */
  readonly onEvent: (event: Record<string, unknown>) => void;
  /** Called with each element of the event array that is itself an array (e.g. PyTorch's raw memory timeline rows). */
  readonly onRow?: (row: unknown[]) => void;
  /** Called with the JSON bytes read so far, at most every few MB. */
  readonly onProgress?: (bytes: number) => void;
  /** Refuse input that decompresses beyond this many bytes (default 16 GiB). */
  readonly maxBytes?: number;
  /** The root member that holds the events (default `traceEvents`). */
  readonly eventsKey?: string;
}

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const isSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
const STRUCTURAL = /["{}[\]]/g;
/** A root member's value (not the events) larger than this is refused: it would have to be held whole. */
const MAX_METADATA_CHARS = 64 * 1024 * 1024;

/**
 * Streams a JSON trace (plain or gzip, detected by its magic bytes) and hands each event to `onEvent` without ever
 * holding the file as one string: a scanner finds where each event object of the root's `traceEvents` array (or of
 * a bare array root) starts and ends, and `JSON.parse` parses that slice alone. Memory stays bounded by the largest
 * single event plus one chunk. Truncated or malformed JSON, non-gzip data with a .gz name, and input that
 * decompresses beyond `maxBytes` are reported as {@link TraceError}s naming the file and the character offset.
 */
export async function readTrace(file: string, options: ReadTraceOptions): Promise<TraceDocument> {
  const magic = Buffer.alloc(2);
  try {
    const handle = await open(file, 'r');
    try {
      await handle.read(magic, 0, 2, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new TraceError(`cannot read the trace: ${(error as Error).message}`, file);
  }
  const gzipped = magic[0] === 0x1f && magic[1] === 0x8b;
  if (!gzipped && file.endsWith('.gz'))
    throw new TraceError(
      'the file ends in .gz but is not gzip data (no gzip header); decompress it or rename it',
      file,
    );

  const scanner = new EventScanner(file, options);
  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = gzipped ? source.pipe(createGunzip({ chunkSize: 1 << 20 })) : source;
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) scanner.push(decoder.write(chunk), chunk.length);
    scanner.push(decoder.end(), 0);
  } catch (error) {
    source.destroy();
    if (error instanceof TraceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new TraceError(
      code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR'
        ? `the gzip data is damaged or truncated (${(error as Error).message}); the file may be incomplete`
        : `cannot read the trace: ${(error as Error).message}`,
      file,
    );
  }
  return scanner.finish();
}

/** The incremental scanner behind {@link readTrace}. */
class EventScanner {
  private text = '';
  /** Offset in the whole JSON text of `text[0]`. */
  private base = 0;
  private pos = 0;
  private depth = 0;
  private inString = false;
  private root: 'object' | 'array' | undefined;
  /** Depth at which the values being captured start, and where the current capture began in `text`. */
  private captureDepth = -1;
  private captureStart = -1;
  private captureKind: 'event' | 'metadata' = 'event';
  private lastString: { start: number; end: number } | undefined;
  private currentKey: string | undefined;
  /** Complete events not parsed yet: from the start of the first to the end of the last, parsed together. */
  private batchStart = -1;
  private batchEnd = -1;
  private readonly metadata: Record<string, unknown> = {};
  private events = 0;
  private rows = 0;
  private bytes = 0;
  private lastProgress = 0;
  private done = false;
  /** Whether the fast path was tried on the current chunk (once per chunk). */
  private fastTried = false;

  constructor(
    private readonly file: string,
    private readonly options: ReadTraceOptions,
  ) {}

  push(chunk: string, byteLength: number): void {
    this.bytes += byteLength;
    if (this.bytes > (this.options.maxBytes ?? 16 * 1024 ** 3))
      throw new TraceError(
        `the trace decompresses to more than ${formatBytes(this.options.maxBytes ?? 16 * 1024 ** 3, { decimals: 0 })}; refusing to read further (is it really a trace?)`,
        this.file,
      );
    if (this.bytes - this.lastProgress >= 8 * 1024 * 1024) {
      this.lastProgress = this.bytes;
      this.options.onProgress?.(this.bytes);
    }
    this.text += chunk;
    this.fastTried = false;
    this.scan();
    this.flush();
    // Keep only what an unfinished capture or key still needs.
    const keep = Math.min(
      this.captureStart >= 0 ? this.captureStart : this.pos,
      this.lastString && this.depth === 1 ? this.lastString.start : this.pos,
      this.pos,
    );
    if (keep > 0) {
      this.text = this.text.slice(keep);
      this.base += keep;
      this.pos -= keep;
      if (this.captureStart >= 0) this.captureStart -= keep;
      if (this.lastString) this.lastString = { start: this.lastString.start - keep, end: this.lastString.end - keep };
    }
  }

  finish(): TraceDocument {
    this.flush();
    if (!this.root) throw new TraceError('the file is empty or is not JSON (no object or array)', this.file);
    if (!this.done || this.inString)
      throw new TraceError(
        `the JSON ends early, at character ${this.base + this.text.length} (${this.depth} brackets still open): the trace is truncated`,
        this.file,
      );
    this.options.onProgress?.(this.bytes);
    return { root: this.root, metadata: this.metadata, events: this.events, rows: this.rows, bytes: this.bytes };
  }

  private scan(): void {
    const text = this.text;
    let pos = this.pos;
    while (pos < text.length) {
      if (
        !this.fastTried &&
        !this.inString &&
        this.captureStart < 0 &&
        this.captureDepth > 0 &&
        this.depth === this.captureDepth
      ) {
        this.fastTried = true;
        const after = this.fastPath(pos);
        if (after > pos) {
          pos = after;
          continue;
        }
      }
      if (this.inString) {
        const quote = text.indexOf('"', pos);
        if (quote < 0) {
          // Keep trailing backslashes unscanned: they may escape a quote that arrives with the next chunk.
          let end = text.length;
          while (end > pos && text.charCodeAt(end - 1) === BACKSLASH) end--;
          pos = end;
          break;
        }
        let slashes = 0;
        for (let i = quote - 1; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) slashes++;
        pos = quote + 1;
        if (slashes % 2 === 0) {
          this.inString = false;
          if (this.depth === 1 && this.lastString) this.lastString = { start: this.lastString.start, end: quote };
        }
        continue;
      }
      STRUCTURAL.lastIndex = pos;
      const match = STRUCTURAL.exec(text);
      if (!match) {
        pos = text.length;
        break;
      }
      const at = match.index;
      pos = at + 1;
      const code = text.charCodeAt(at);
      if (this.done) throw this.error(at, 'there is more JSON after the end of the trace');
      if (code === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && this.root === 'object' && this.captureStart < 0)
          this.lastString = { start: at + 1, end: -1 };
        continue;
      }
      if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        if (this.depth === 0) this.root = code === OPEN_OBJECT ? 'object' : 'array';
        else if (this.depth === 1 && this.root === 'object') this.enterMember(at, code);
        if (this.captureStart < 0 && this.depth === this.captureDepth) {
          this.captureStart = at;
          this.captureKind = 'event';
        }
        if (this.depth === 0 && this.root === 'array') this.captureDepth = 1;
        this.depth++;
        continue;
      }
      // A closing bracket.
      if (this.depth === 0) throw this.error(at, `unexpected "${text[at]}"`);
      this.depth--;
      if (this.captureStart >= 0 && this.depth === this.captureDepth) this.emit(at);
      else if (this.captureStart >= 0 && this.captureKind === 'metadata' && this.depth === 1) this.emit(at);
      if (this.depth === 1 && this.root === 'object' && code === CLOSE_ARRAY) this.captureDepth = -1;
      if (this.depth === 0) {
        if ((code === CLOSE_OBJECT) !== (this.root === 'object')) throw this.error(at, 'mismatched brackets');
        this.done = true;
      }
    }
    this.pos = pos;
  }

  /**
   * Between two events: parses every complete event up to the last `}` of the chunk with one JSON.parse, without
   * scanning their characters. The candidate end is checked by the parse itself: a slice that starts at an event
   * and ends anywhere but at the end of an event (inside a string or a nested object) is not valid JSON. Tries the
   * last three `}` of the chunk; returns the position after the events parsed, or `from` when none was.
   */
  private fastPath(from: number): number {
    const text = this.text;
    let start = from;
    while (start < text.length && /[\s,]/.test(text[start]!)) start++;
    const opening = text.charCodeAt(start);
    if (opening !== OPEN_OBJECT && opening !== OPEN_ARRAY) return from;
    const closing = opening === OPEN_OBJECT ? '}' : ']';
    // Candidate ends, last first: a closing bracket followed by a comma and the next value's opening bracket (how
    // events are separated), then any closing bracket. A failed parse costs a whole parse, so the likely ends come
    // first; the parse itself proves the boundary.
    for (const cut of this.boundaries(start, opening, closing)) {
      let values: unknown[];
      try {
        values = JSON.parse(`[${text.slice(start, cut + 1)}]`) as unknown[];
      } catch {
        continue;
      }
      this.flush();
      for (const value of values) {
        if (Array.isArray(value)) this.row(value);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
        this.events++;
        this.options.onEvent(value as Record<string, unknown>);
      }
      return cut + 1;
    }
    return from;
  }

  /** Up to three likely value ends after `start` (see `fastPath`), last first. */
  private *boundaries(start: number, opening: number, closing: string): Generator<number> {
    const text = this.text;
    const open = String.fromCharCode(opening);
    let at = text.length;
    for (let found = 0; found < 2;) {
      at = text.lastIndexOf(open, at - 1);
      if (at <= start) break;
      let i = at - 1;
      while (i > start && isSpace(text.charCodeAt(i))) i--;
      if (text.charCodeAt(i) !== COMMA) continue;
      i--;
      while (i > start && isSpace(text.charCodeAt(i))) i--;
      if (text[i] !== closing) continue;
      found++;
      yield i;
    }
    const last = text.lastIndexOf(closing);
    if (last > start) yield last;
  }

  /** A root member's value starts at `at`: the event array, or a metadata value captured whole. */
  private enterMember(at: number, code: number): void {
    const key =
      this.lastString && this.lastString.end >= 0
        ? this.text.slice(this.lastString.start, this.lastString.end)
        : undefined;
    this.currentKey = key;
    this.lastString = undefined;
    if (key === (this.options.eventsKey ?? 'traceEvents') && code === OPEN_ARRAY) {
      this.captureDepth = 2;
    } else {
      this.captureStart = at;
      this.captureKind = 'metadata';
    }
  }

  private emit(end: number): void {
    if (this.captureKind === 'event') {
      // Events are parsed in batches (one JSON.parse per chunk of text), which is several times faster than one
      // parse per event; the text between them is commas and white space, valid inside an array.
      if (this.batchStart < 0) this.batchStart = this.captureStart;
      this.batchEnd = end;
      this.captureStart = -1;
      return;
    }
    this.flush();
    const slice = this.text.slice(this.captureStart, end + 1);
    if (slice.length > MAX_METADATA_CHARS)
      throw this.error(this.captureStart, `the member "${this.currentKey ?? '?'}" is larger than 64 MB`);
    let value: unknown;
    try {
      value = JSON.parse(slice);
    } catch (error) {
      throw this.error(this.captureStart, `invalid JSON: ${(error as Error).message}`);
    }
    if (this.currentKey !== undefined) this.metadata[this.currentKey] = value;
    this.captureStart = -1;
  }

  /** Parses the batch of complete events and hands them out. */
  private flush(): void {
    if (this.batchStart < 0) return;
    let values: unknown[];
    try {
      values = JSON.parse(`[${this.text.slice(this.batchStart, this.batchEnd + 1)}]`) as unknown[];
    } catch (error) {
      throw this.error(this.batchStart, `invalid JSON in the events from here on: ${(error as Error).message}`);
    }
    this.batchStart = -1;
    for (const value of values) {
      if (Array.isArray(value)) this.row(value);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      this.events++;
      this.options.onEvent(value as Record<string, unknown>);
    }
  }

  private row(value: unknown[]): void {
    this.rows++;
    this.options.onRow?.(value);
  }

  private error(at: number, message: string): TraceError {
    return new TraceError(`${message} (at character ${this.base + at})`, this.file);
  }
}
