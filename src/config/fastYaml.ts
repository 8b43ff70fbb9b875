import { Document, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';

/**
 * A fast reader for the YAML that training configs are written in: block mappings and sequences, plain and simply
 * quoted scalars, one-line flow lists, comments. It builds the same node tree (with the same source ranges) as the
 * `yaml` package and the same data, about ten times faster, so diagnostics stay within budget as you type in long
 * configs. Anything outside that subset (anchors, tags, block scalars, flow mappings, multi-line scalars, escapes,
 * duplicate keys, tabs, odd indentation) returns undefined and the caller uses the `yaml` package, which remains the
 * reference: a differential test checks that both give identical results on every fixture.
 */
export interface FastParse {
  readonly doc: Document.Parsed;
  readonly data: unknown;
  readonly lineCounter: LineCounter;
}

interface Line {
  /** Offset of the first content character (after indentation). */
  start: number;
  /** Offset after the last content character (comment and trailing spaces removed). */
  end: number;
  /** Column of the first content character. */
  indent: number;
  /** Whether the line is a sequence entry (`- …`) at `indent`. */
  dash: boolean;
}

class Bail extends Error {}
const bail = (): never => {
  throw new Bail();
};

const KEY = /^([A-Za-z0-9_][\w.-]*)[ ]*:(?:[ ]+|$)/;
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const OCT = /^0o[0-7]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/** Resolves a plain scalar with the YAML 1.2 core schema, as the `yaml` package does by default. */
function resolvePlain(text: string): unknown {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT.test(text)) return Number(text);
  if (HEX.test(text)) return parseInt(text.slice(2), 16);
  if (OCT.test(text)) return parseInt(text.slice(2), 8);
  if (FLOAT.test(text)) return Number(text);
  if (SPECIAL_FLOAT.test(text))
    return text.endsWith('nan') || text.endsWith('NaN') || text.endsWith('NAN')
      ? NaN
      : text.startsWith('-')
        ? -Infinity
        : Infinity;
  return text;
}

/** Splits the text into content lines, dropping blank lines and comments; bails on what the subset excludes. */
function scanLines(text: string, lineCounter: LineCounter): Line[] {
  const lines: Line[] = [];
  let lineStart = 0;
  lineCounter.addNewLine(0);
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    else lineCounter.addNewLine(lineEnd + 1);
    let i = lineStart;
    while (i < lineEnd && text.charCodeAt(i) === 32) i++;
    const c = text[i];
    if (i < lineEnd && c !== '#' && !(c === '\r' && i + 1 === lineEnd)) {
      if (
        c === '\t' ||
        c === '%' ||
        c === '&' ||
        c === '*' ||
        c === '!' ||
        c === '?' ||
        c === '{' ||
        c === '|' ||
        c === '>' ||
        c === '@' ||
        c === '`'
      )
        bail();
      if ((c === '-' && text.startsWith('---', i)) || (c === '.' && text.startsWith('...', i))) bail();
      // Strip a trailing comment (a # after a space, outside quotes) and trailing spaces.
      let end = lineEnd;
      let quote = '';
      for (let j = i; j < lineEnd; j++) {
        const ch = text[j];
        if (quote) {
          if (ch === quote) quote = '';
          else if (ch === '\\') bail();
        } else if (ch === '"' || ch === "'") {
          if (j === i || text[j - 1] === ' ' || text[j - 1] === '[' || text[j - 1] === ',') quote = ch;
        } else if (ch === '#' && text[j - 1] === ' ') {
          end = j;
          break;
        } else if (ch === '\t') bail();
      }
      if (quote) bail();
      while (end > i && (text[end - 1] === ' ' || text[end - 1] === '\r')) end--;
      const dash = c === '-' && (i + 1 === end || text[i + 1] === ' ');
      lines.push({ start: i, end, indent: i - lineStart, dash });
    }
    if (lineEnd === text.length) break;
    lineStart = lineEnd + 1;
  }
  return lines;
}

/** Parses `text` if it stays within the config subset; undefined otherwise. */
export function fastParse(text: string): FastParse | undefined {
  const lineCounter = new LineCounter();
  try {
    const lines = scanLines(text, lineCounter);
    if (lines.length === 0 || lines[0]!.dash || lines[0]!.indent !== 0) return undefined;
    const parser = new BlockParser(text, lines);
    const [node, data] = parser.map(0);
    if (parser.pos !== lines.length) return undefined;
    const doc = new Document() as Document.Parsed;
    doc.contents = node as Document.Parsed['contents'];
    doc.range = [0, text.length, text.length];
    return { doc, data, lineCounter };
  } catch (error) {
    if (error instanceof Bail) return undefined;
    throw error;
  }
}

class BlockParser {
  pos = 0;
  constructor(
    private readonly text: string,
    private readonly lines: Line[],
  ) {}

  /** A block mapping whose keys sit at column `indent`. */
  map(indent: number): [YAMLMap, Record<string, unknown>] {
    const map = new YAMLMap();
    const data: Record<string, unknown> = {};
    const start = this.lines[this.pos]!.start;
    let end = start;
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos]!;
      if (line.indent < indent) break;
      if (line.indent > indent || line.dash) bail();
      const match = KEY.exec(this.text.slice(line.start, line.end));
      if (!match) bail();
      const name = match![1]!;
      if (Object.prototype.hasOwnProperty.call(data, name) || name === '__proto__') bail();
      const key = new Scalar(resolvePlain(name) === name ? name : bail());
      key.range = [line.start, line.start + name.length, line.start + name.length];
      const valueStart = line.start + match![0].length;
      let value: Node;
      let valueData: unknown;
      if (valueStart < line.end) {
        [value, valueData] = this.inline(valueStart, line.end);
        this.pos++;
      } else {
        this.pos++;
        const next = this.lines[this.pos];
        if (next && next.indent > indent) [value, valueData] = this.block(next.indent);
        else if (next && next.indent === indent && next.dash) [value, valueData] = this.seq(indent);
        else {
          // An empty value: null, placed where the yaml package places it (right after the colon and spaces).
          const scalar = new Scalar(null);
          const at = Math.min(valueStart, line.end);
          scalar.range = [at, at, at];
          [value, valueData] = [scalar, null];
        }
      }
      map.items.push(new Pair(key, value));
      data[name] = valueData;
      end = value.range![1];
    }
    map.range = [start, end, end];
    return [map, data];
  }

  /** A block sequence whose dashes sit at column `indent`. */
  seq(indent: number): [YAMLSeq, unknown[]] {
    const seq = new YAMLSeq();
    const data: unknown[] = [];
    const start = this.lines[this.pos]!.start;
    let end = start;
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos]!;
      if (line.indent < indent || (line.indent === indent && !line.dash)) break;
      if (line.indent > indent) bail();
      let itemStart = line.start + 1;
      while (itemStart < line.end && this.text[itemStart] === ' ') itemStart++;
      let item: Node;
      let itemData: unknown;
      if (itemStart >= line.end) {
        this.pos++;
        const next = this.lines[this.pos];
        if (!next || next.indent <= indent) return bail();
        [item, itemData] = this.block(next.indent);
      } else if (KEY.test(this.text.slice(itemStart, line.end))) {
        // `- key: value` starts a mapping whose keys align with this first key.
        line.indent = this.column(itemStart);
        line.start = itemStart;
        line.dash = false;
        [item, itemData] = this.map(line.indent);
      } else {
        [item, itemData] = this.inline(itemStart, line.end);
        this.pos++;
      }
      seq.items.push(item);
      data.push(itemData);
      end = item.range![1];
    }
    seq.range = [start, end, end];
    return [seq, data];
  }

  /** Column of an offset on its line. */
  private column(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }

  private block(indent: number): [Node, unknown] {
    return this.lines[this.pos]!.dash ? this.seq(indent) : this.map(indent);
  }

  /** A value on the rest of a line: a flow list, a quoted or a plain scalar. */
  private inline(start: number, end: number): [Node, unknown] {
    const text = this.text.slice(start, end);
    if (text[0] === '[') return this.flowSeq(start, end);
    return this.scalar(start, end);
  }

  private scalar(start: number, end: number): [Scalar, unknown] {
    const text = this.text.slice(start, end);
    let value: unknown;
    const first = text[0];
    if (first === "'" || first === '"') {
      if (text.length < 2 || text[text.length - 1] !== first) bail();
      const inner = text.slice(1, -1);
      if (first === "'") {
        if (/'(?!')/.test(inner.replace(/''/g, ''))) bail();
        value = inner.replace(/''/g, "'");
      } else {
        if (inner.includes('"')) bail();
        value = inner;
      }
    } else {
      if (/^[\]},&*!|>%@`'"]/.test(text) || text.includes(': ') || text.endsWith(':') || text.includes(' #')) bail();
      if (text[0] === '-' && (text.length === 1 || text[1] === ' ')) bail();
      value = resolvePlain(text);
    }
    const scalar = new Scalar(value);
    scalar.range = [start, end, end];
    if (first === "'") scalar.type = Scalar.QUOTE_SINGLE;
    else if (first === '"') scalar.type = Scalar.QUOTE_DOUBLE;
    else scalar.type = Scalar.PLAIN;
    return [scalar, value];
  }

  /** A one-line flow list of scalars, `[a, 'b', 3]`. */
  private flowSeq(start: number, end: number): [YAMLSeq, unknown[]] {
    if (this.text[end - 1] !== ']') bail();
    const seq = new YAMLSeq();
    seq.flow = true;
    const data: unknown[] = [];
    let i = start + 1;
    const close = end - 1;
    while (i < close) {
      while (i < close && this.text[i] === ' ') i++;
      if (i >= close) break;
      let j = i;
      const quote = this.text[i] === "'" || this.text[i] === '"' ? this.text[i] : '';
      if (quote) {
        j = this.text.indexOf(quote, i + 1);
        if (j < 0 || j >= close) bail();
        j++;
      } else {
        while (j < close && this.text[j] !== ',') j++;
      }
      let itemEnd = j;
      while (itemEnd > i && this.text[itemEnd - 1] === ' ') itemEnd--;
      if (itemEnd === i || /[[\]{}]/.test(this.text.slice(i, itemEnd))) bail();
      const [item, value] = this.scalar(i, itemEnd);
      seq.items.push(item);
      data.push(value);
      while (j < close && this.text[j] === ' ') j++;
      if (j < close && this.text[j] !== ',') bail();
      i = j + 1;
      if (j < close && i >= close) bail(); // a trailing comma
    }
    seq.range = [start, end, end];
    return [seq, data];
  }
}
