import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { checkRegularFile, FileRuleError } from '../../files/safeFiles';
import { EventScanner, MAX_STRING_CHARS } from './eventScanner';
import {
  htmlMessage,
  HtmlTraceProbe,
  otherFormatOf,
  sniffEncoding,
  systraceMessage,
  TextChunkDecoder,
  type TraceEncoding,
} from './sniff';
import { TraceError } from './traceError';

export { TraceError } from './traceError';

/** What the reader found besides the events: the root's other members (Kineto: deviceProperties, distributedInfo…). */
export interface TraceDocument {
  /** `object` for `{ "traceEvents": [...] }` files, `array` for a bare array of events (ONNX Runtime, Chrome). */
  readonly root: 'object' | 'array';
  /**
   * The root object's members other than the event array: objects, arrays and strings, parsed (numbers and booleans
   * are not kept; strings at most 4 KiB). Empty for an array root.
   */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Events handed to the callback. */
  readonly events: number;
  /** Array elements of the event array (handed to `onRow`). */
  readonly rows: number;
  /** Bytes of JSON read (after decompression). */
  readonly bytes: number;
  /** Strings longer than `maxStringChars`, handed out cut to that length. */
  readonly truncatedStrings: number;
  /** The text encoding, from a byte order mark or NUL-interleaved ASCII (UTF-16 is decoded as it streams). */
  readonly encoding: TraceEncoding;
  /** Whether the file starts with a byte order mark (skipped). */
  readonly bom: boolean;
  /**
   * An array root that ended without its closing `]`, which the JSON Array Format allows (a process that crashed
   * never wrote it). Every complete event was read; `cutAt` is where an event cut short by the end starts (left out).
   */
  readonly unclosed?: { readonly cutAt?: number };
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
  /**
   * Strings (event names, args, metadata) longer than this many characters are cut to it as they stream (default
   * 1 Mi, counted in the file's characters, escapes included). The cut bounds memory: a string that arrives within
   * one 1 MiB chunk may still be handed out whole.
   */
  readonly maxStringChars?: number;
  /** Refuse gzip input that inflates more than this many times its compressed size (default 200). */
  readonly maxInflation?: number;
  /** Stop reading after this many milliseconds (default 10 minutes). */
  readonly timeLimitMs?: number;
}

/** Real traces compress 7–15×; input inflating far beyond that is padding (white space) or not a trace. */
export const MAX_INFLATION = 200;
/** The inflation ratio is judged only past this many bytes, when it says something about the whole file. */
const INFLATION_GRACE_BYTES = 32 * 1024 * 1024;
/** How long one trace may take to read; a 16 GiB trace reads in about 3 minutes on a laptop. */
export const TRACE_TIME_LIMIT_MS = 10 * 60 * 1000;

/** The first two bytes of the file (gzip's magic), after the file rules: a FIFO would block the open forever. */
async function magicOf(file: string): Promise<Buffer> {
  try {
    checkRegularFile(file, 'the trace');
  } catch (error) {
    if (error instanceof FileRuleError) throw new TraceError(`cannot read the trace: ${error.reason}`, file);
    throw error;
  }
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
  return magic;
}

/** The checks made between chunks: the inflation ratio of gzip input, and the time spent. */
function limitsOf(file: string, options: ReadTraceOptions, gzipped: boolean) {
  const started = Date.now();
  const maxInflation = options.maxInflation ?? MAX_INFLATION;
  const timeLimit = options.timeLimitMs ?? TRACE_TIME_LIMIT_MS;
  return (inflated: number, compressed: number): void => {
    if (gzipped && inflated > INFLATION_GRACE_BYTES && inflated > maxInflation * compressed)
      throw new TraceError(
        `the gzip data inflates more than ${maxInflation}× (${(inflated / 1024 ** 2).toFixed(0)} MiB from ${(compressed / 1024).toFixed(0)} KiB so far), the limit: traces compress about 10×, so this is padding or not a trace. If it is a real trace, decompress it (gunzip) and analyse the .json, which has no such limit`,
        file,
      );
    const elapsed = Date.now() - started;
    if (elapsed > timeLimit)
      throw new TraceError(
        `reading the trace took longer than ${timeLimit >= 60_000 ? `${(timeLimit / 60_000).toFixed(0)} minutes` : `${(timeLimit / 1000).toFixed(1)} s`}, the limit (${(inflated / 1024 ** 2).toFixed(0)} MiB read): profile fewer steps, or cut the trace`,
        file,
      );
  };
}

/**
 * Streams a JSON trace (plain or gzip, detected by its magic bytes) and hands each event to `onEvent` without ever
 * holding the file as one string (see {@link EventScanner}). Memory stays bounded by the largest single event (at
 * most 64 MB, its strings cut to `maxStringChars`) plus one chunk. Only regular files are opened. UTF-16 (by its
 * byte order mark or NUL-interleaved ASCII) is decoded as it streams and a byte order mark is skipped; an array
 * root may end without its `]` (see {@link TraceDocument.unclosed}). HTML and systrace text traces, truncated or
 * malformed JSON, non-gzip data with a .gz name, input that decompresses beyond `maxBytes` or inflates beyond
 * `maxInflation`, and reads past `timeLimitMs` are {@link TraceError}s naming the file (and the character offset).
 */
export async function readTrace(file: string, options: ReadTraceOptions): Promise<TraceDocument> {
  const magic = await magicOf(file);
  const gzipped = magic[0] === 0x1f && magic[1] === 0x8b;
  if (!gzipped && file.endsWith('.gz'))
    throw new TraceError(
      'the file ends in .gz but is not gzip data (no gzip header); decompress it or rename it',
      file,
    );

  const scanner = new EventScanner(file, options);
  const check = limitsOf(file, options, gzipped);
  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = gzipped ? source.pipe(createGunzip({ chunkSize: 1 << 20 })) : source;
  let decoder: TextChunkDecoder | undefined;
  let encoding: TraceEncoding = 'utf-8';
  let bom = false;
  // An HTML page is read through (bounded, nothing kept) only to say whether it carries trace data.
  let html: HtmlTraceProbe | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string;
      if (!decoder) {
        const sniffed = sniffEncoding(chunk);
        ({ encoding } = sniffed);
        bom = sniffed.bomBytes > 0;
        decoder = new TextChunkDecoder(encoding);
        text = decoder.write(chunk.subarray(sniffed.bomBytes));
        const other = otherFormatOf(text.slice(0, 4096));
        if (other === 'systrace') throw new TraceError(systraceMessage(), file);
        if (other === 'html') html = new HtmlTraceProbe();
      } else text = decoder.write(chunk);
      if (html) {
        html.push(text);
        if (html.found) throw new TraceError(htmlMessage(true), file);
        scanner.push('', chunk.length);
      } else scanner.push(text, chunk.length);
      check(scanner.bytes, source.bytesRead);
    }
    if (html) throw new TraceError(htmlMessage(false), file);
    scanner.push(decoder?.end() ?? '', 0);
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
  return { ...scanner.finish(), encoding, bom };
}

export { MAX_STRING_CHARS };
