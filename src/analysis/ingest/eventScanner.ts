import { formatBytes } from '../../common/format';
import { cutPoint } from './stringCut';
import { TraceError } from './traceError';
import type { ReadTraceOptions, TraceDocument } from './traceReader';

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const isSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
const STRUCTURAL = /["{}[\]]/g;
/** One value held whole (a root member other than the events, or one event) larger than this is refused. */
export const MAX_VALUE_CHARS = 64 * 1024 * 1024;
/** Strings inside events and members are cut to this many characters by default (the rest is skipped unread). */
export const MAX_STRING_CHARS = 1024 * 1024;
/** Root-level strings (keys, and string values such as `displayTimeUnit`): this much of one is kept. */
const MAX_KEY_CHARS = 4096;
/** String members of the root kept in the metadata (the rest are skipped: a root of millions is not a trace's). */
const MAX_STRING_MEMBERS = 256;

/**
 * The incremental scanner behind `readTrace`: it finds where each event object of the root's `traceEvents` array
 * (or of a bare array root) starts and ends and parses events in batches with `JSON.parse`. What it holds is
 * bounded: one chunk, plus the value being captured (at most {@link MAX_VALUE_CHARS}), in which every string is cut
 * to `maxStringChars` as it streams (the rest is dropped unread, however long).
 */
export class EventScanner {
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
  /** Where the open string's characters start in `text`, whether it is a root-level string, and where it is cut. */
  private stringStart = -1;
  private rootString = false;
  /** Whether the open root-level string is a member's value (after a colon), not a key. */
  private rootValue = false;
  /** Whether the last character before `text` (dropped), white space aside, was a colon. */
  private tailColon = false;
  private stringMembers = 0;
  private stringCut = -1;
  /** Characters dropped from `text` by cuts: [position in text, characters removed there], for true offsets. */
  private cuts: number[] = [];
  private truncated = 0;
  /** The last root-level string (the key of the member that follows). */
  private lastKey: string | undefined;
  private currentKey: string | undefined;
  /** Complete events not parsed yet: from the start of the first to the end of the last, parsed together. */
  private batchStart = -1;
  private batchEnd = -1;
  private readonly metadata: Record<string, unknown> = {};
  private events = 0;
  private rows = 0;
  bytes = 0;
  private lastProgress = 0;
  private done = false;
  /** Whether the fast path was tried on the current chunk (once per chunk). */
  private fastTried = false;
  private readonly maxStringChars: number;

  constructor(
    private readonly file: string,
    private readonly options: ReadTraceOptions,
  ) {
    this.maxStringChars = Math.max(16, options.maxStringChars ?? MAX_STRING_CHARS);
  }

  push(chunk: string, byteLength: number): void {
    this.bytes += byteLength;
    if (this.bytes > (this.options.maxBytes ?? 16 * 1024 ** 3))
      throw new TraceError(
        `the trace decompresses to more than ${formatLimit(this.options.maxBytes ?? 16 * 1024 ** 3)}; refusing to read further (is it really a trace?)`,
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
    if (this.inString && (this.captureStart >= 0 || this.rootString)) this.cutString();
    if (this.captureStart >= 0 && this.text.length - this.captureStart > MAX_VALUE_CHARS)
      throw this.error(
        this.captureStart,
        this.captureKind === 'event'
          ? 'an event is larger than 64 MB'
          : `the member "${this.currentKey ?? '?'}" is larger than 64 MB`,
      );
    // Keep only what an unfinished capture or root-level string still needs.
    const keep = Math.min(
      this.captureStart >= 0 ? this.captureStart : this.pos,
      this.inString && this.rootString ? this.stringStart : this.pos,
    );
    if (keep > 0) {
      let last = keep - 1;
      while (last >= 0 && isSpace(this.text.charCodeAt(last))) last--;
      if (last >= 0) this.tailColon = this.text.charCodeAt(last) === COLON;
      this.drop(keep);
    }
  }

  finish(): Omit<TraceDocument, 'encoding' | 'bom'> {
    this.flush();
    if (!this.root) throw new TraceError('the file is empty or is not JSON (no object or array)', this.file);
    // The JSON Array Format allows the closing `]` to be missing (a process that crashed never wrote it). As
    // Perfetto's JSON importer does, every complete event counts and an event cut short by the end is left out;
    // the object form has no such rule, so there the end is truncation.
    const unclosed = !this.done && this.root === 'array';
    if (!this.done && !unclosed)
      throw new TraceError(
        `the JSON ends early, at character ${this.offset(this.text.length)} (${this.depth} brackets still open): the trace is truncated`,
        this.file,
      );
    this.options.onProgress?.(this.bytes);
    return {
      root: this.root,
      metadata: this.metadata,
      events: this.events,
      rows: this.rows,
      bytes: this.bytes,
      truncatedStrings: this.truncated,
      ...(unclosed ? { unclosed: this.captureStart >= 0 ? { cutAt: this.offset(this.captureStart) } : {} } : {}),
    };
  }

  /** Drops the first `count` characters of `text`, moving every position held in it. */
  private drop(count: number): void {
    this.text = this.text.slice(count);
    let folded = 0;
    let i = 0;
    for (; i < this.cuts.length && this.cuts[i]! <= count; i += 2) folded += this.cuts[i + 1]!;
    this.cuts = this.cuts.slice(i);
    for (let j = 0; j < this.cuts.length; j += 2) this.cuts[j]! -= count;
    this.base += count + folded;
    this.pos -= count;
    if (this.captureStart >= 0) this.captureStart -= count;
    if (this.stringStart >= 0) this.stringStart -= count;
    if (this.stringCut >= 0) this.stringCut -= count;
  }

  /** Cuts the open string at its limit: what was scanned past the limit is removed from `text`. */
  private cutString(): void {
    const cap = this.captureStart >= 0 ? this.maxStringChars : MAX_KEY_CHARS;
    if (this.pos - this.stringStart <= cap) return;
    if (this.stringCut < 0) {
      this.stringCut = cutPoint(this.text, this.stringStart, this.stringStart + cap);
      this.truncated++;
    }
    this.remove(this.stringCut, this.pos);
    this.pos = this.stringCut;
  }

  /** Removes `text[from, to)` (part of a string past its limit), remembering it for true offsets. */
  private remove(from: number, to: number): void {
    this.text = this.text.slice(0, from) + this.text.slice(to);
    const last = this.cuts.length - 2;
    if (last >= 0 && this.cuts[last] === from) this.cuts[last + 1]! += to - from;
    else this.cuts.push(from, to - from);
  }

  /** The offset in the whole JSON text of `text[at]`. */
  private offset(at: number): number {
    let removed = 0;
    for (let i = 0; i < this.cuts.length && this.cuts[i]! <= at; i += 2) removed += this.cuts[i + 1]!;
    return this.base + at + removed;
  }

  private scan(): void {
    let text = this.text;
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
          let end = quote;
          if (this.stringCut >= 0 && quote > this.stringCut) {
            // A string cut before: what arrived of it since is dropped too, so it ends at its limit.
            this.remove(this.stringCut, quote);
            text = this.text;
            end = this.stringCut;
            pos = end + 1;
          }
          if (this.rootString) {
            const raw = text.slice(this.stringStart, Math.min(end, this.stringStart + MAX_KEY_CHARS));
            if (this.rootValue && this.lastKey !== undefined && this.stringMembers++ < MAX_STRING_MEMBERS)
              this.metadata[this.lastKey] = unescaped(raw);
            this.lastKey = this.rootValue ? undefined : raw;
          }
          this.stringStart = -1;
          this.stringCut = -1;
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
        this.stringStart = pos;
        this.rootString = this.depth === 1 && this.root === 'object' && this.captureStart < 0;
        if (this.rootString) this.rootValue = this.followsColon(at);
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
    // Character codes, not a regular expression per character: megabytes of white space between events (a
    // padded or hostile file) cost a few milliseconds, not seconds.
    for (let code = text.charCodeAt(start); isSpace(code) || code === COMMA; code = text.charCodeAt(++start));
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
      this.hand(values);
      return cut + 1;
    }
    return from;
  }

  /** Up to three likely value ends after `start` (see `fastPath`), last first. */
  private *boundaries(start: number, opening: number, closing: string): Generator<number> {
    const text = this.text;
    const open = opening === OPEN_OBJECT ? '{' : '[';
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

  /** Whether the character before `at`, white space aside, is a colon (also when it was dropped with a chunk). */
  private followsColon(at: number): boolean {
    let i = at - 1;
    while (i >= 0 && isSpace(this.text.charCodeAt(i))) i--;
    return i >= 0 ? this.text.charCodeAt(i) === COLON : this.tailColon;
  }

  /** A root member's value starts at `at`: the event array, or a metadata value captured whole. */
  private enterMember(at: number, code: number): void {
    const key = this.lastKey;
    this.currentKey = key;
    this.lastKey = undefined;
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
    if (slice.length > MAX_VALUE_CHARS)
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
    this.hand(values);
  }

  /** Hands parsed elements of the event array out: objects to `onEvent`, arrays to `onRow`. */
  private hand(values: unknown[]): void {
    for (const value of values) {
      if (Array.isArray(value)) {
        this.rows++;
        this.options.onRow?.(value);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      this.events++;
      this.options.onEvent(value as Record<string, unknown>);
    }
  }

  private error(at: number, message: string): TraceError {
    return new TraceError(`${message} (at character ${this.offset(at)})`, this.file);
  }
}

/** A root member's string value (its raw characters, at most 4 KiB of them) with its escapes decoded. */
function unescaped(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** A byte limit in words (1 MiB, 16 GiB). */
function formatLimit(bytes: number): string {
  return formatBytes(bytes, { decimals: 0 });
}
