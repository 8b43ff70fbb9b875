/**
 * What the first bytes of a trace say before any JSON is read: its text encoding (UTF-8, with or without a byte
 * order mark, or UTF-16 either way round, which Windows tools write) and whether it is a trace in another format
 * that is often mistaken for JSON (a systrace or catapult HTML page, systrace/ftrace text).
 */
import { StringDecoder } from 'node:string_decoder';

/** The text encodings a trace is read in. */
export type TraceEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** The encoding found from the first bytes, and how many bytes of byte order mark to skip. */
export interface SniffedEncoding {
  readonly encoding: TraceEncoding;
  readonly bomBytes: number;
}

/**
 * The encoding of a file from its first bytes: a byte order mark (EF BB BF, FF FE, FE FF) or, without one, ASCII
 * interleaved with NULs (JSON starts with an ASCII bracket or white space, so UTF-16 shows as `{ 00` or `00 {`).
 */
export function sniffEncoding(head: Uint8Array): SniffedEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomBytes: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
  if (head.length >= 4) {
    if (head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) return { encoding: 'utf-16le', bomBytes: 0 };
    if (head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0) return { encoding: 'utf-16be', bomBytes: 0 };
  }
  return { encoding: 'utf-8', bomBytes: 0 };
}

/** Decodes chunks of one encoding into text, however the chunks split characters (or UTF-16 code units). */
export class TextChunkDecoder {
  private readonly inner: StringDecoder;
  /** A UTF-16BE byte left over from the previous chunk (its code unit's first half). */
  private carry: Buffer | undefined;

  constructor(private readonly encoding: TraceEncoding) {
    this.inner = new StringDecoder(encoding === 'utf-8' ? 'utf8' : 'utf16le');
  }

  write(chunk: Buffer): string {
    if (this.encoding !== 'utf-16be') return this.inner.write(chunk);
    // UTF-16BE is UTF-16LE with each code unit's bytes swapped: swap them in a copy, keeping an odd last byte.
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const even = bytes.length & ~1;
    this.carry = even < bytes.length ? Buffer.from(bytes.subarray(even)) : undefined;
    return this.inner.write(Buffer.from(bytes.subarray(0, even)).swap16());
  }

  end(): string {
    return this.inner.end();
  }
}

/** Where traces of other formats open, for the messages below. */
const OPEN_ELSEWHERE = 'open it in the Perfetto UI (https://ui.perfetto.dev, "Open trace file") or in chrome://tracing';

/**
 * Why a file whose first characters are not JSON is another kind of trace, or undefined when it may be JSON. `head`
 * is the start of the decoded text (a few KB). An HTML page is reported at once only when its head already shows
 * trace data; otherwise {@link HtmlTraceProbe} looks through the rest.
 */
export function otherFormatOf(head: string): 'html' | 'systrace' | undefined {
  const start = head.replace(/^[\s\uFEFF]+/, '');
  if (/^<(!doctype html|html|!--|head|meta|script)/i.test(start)) return 'html';
  if (/^# tracer:/.test(start) || /^#\s+TASK-PID/m.test(start) || SYSTRACE_LINE.test(start)) return 'systrace';
  return undefined;
}

/** An ftrace text line: `TASK-PID (TGID) [CPU] FLAGS TIMESTAMP: function`. */
const SYSTRACE_LINE = /^\s*\S.*-\d+\s+(\(\s*[\d-]+\)\s+)?\[\d{3}\]\s+(\S{4}\s+)?\d+\.\d+:/;

/** The message for a systrace/ftrace text file. */
export function systraceMessage(): string {
  return `this is a systrace (ftrace text) trace, "# tracer:" header and TASK-PID lines, not a Trace Event Format JSON trace: ${OPEN_ELSEWHERE}`;
}

/** The message for an HTML file, with or without trace data in it. */
export function htmlMessage(hasTraceData: boolean): string {
  return hasTraceData
    ? `this is an HTML trace (a systrace or catapult trace2html page, with the trace embedded in it), not a JSON trace: ${OPEN_ELSEWHERE}; to analyse it here, save the trace as JSON from the Perfetto UI or record it again as JSON`
    : 'this is an HTML page with no trace data in it (no systrace or trace2html trace), not a JSON trace';
}

/** Markers of the trace data that systrace and trace2html embed in their pages. */
const TRACE_DATA = /class=["']?trace-data|<!-- BEGIN TRACE -->|id=["']?viewer-data/i;

/** Looks through an HTML file's text, chunk by chunk, for embedded trace data (bounded: a short tail is kept). */
export class HtmlTraceProbe {
  private tail = '';
  found = false;

  push(text: string): void {
    if (this.found) return;
    const window = this.tail + text;
    this.found = TRACE_DATA.test(window);
    this.tail = window.slice(-64);
  }
}
