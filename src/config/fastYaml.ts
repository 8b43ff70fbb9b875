import { Document, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { Bail, bail, resolvePlain, scanLines, type Line, type Trivia } from './fastYamlScan';

/**
 * A fast reader for the YAML that training configs are written in: block mappings and sequences, plain and simply
 * quoted scalars, one-line flow lists, comments. It builds the same node tree (with the same source ranges) as the
 * `yaml` package and the same data, about ten times faster, so diagnostics stay within budget as you type in long
 * configs. Anything outside that subset (anchors, tags, block scalars, flow mappings, multi-line scalars, escapes,
 * duplicate keys, tabs, lone CRs, odd indentation, keys over 1024 characters) returns undefined and the caller uses the
 * `yaml` package, which remains the reference: differential tests (fixtures, a seeded fuzz, the yaml-test-suite)
 * check that both give identical results.
 */
export interface FastParse {
  readonly doc: Document.Parsed;
  readonly data: unknown;
  readonly lineCounter: LineCounter;
}

const KEY = /^([A-Za-z0-9_][\w.-]*)[ ]*:(?:[ ]+|$)/;
/** yaml (strict) refuses an implicit key whose `:` is more than this many characters after the key starts. */
const MAX_KEY_SPAN = 1024;
/** Plain scalars starting with an indicator: flow collections, comments, anchors, tags, explicit keys, …. */
const INDICATOR_START = /^[[\]{},#&*!|>%@`'"?:]/;

/**
 * Blank and comment lines after a collection's last value that yaml keeps as a comment-only item of the innermost
 * open collection. When that collection ends, yaml keeps them there (extending its range) if it is indented and one
 * of the comments is at least as indented as it; otherwise they move to the parent, and so on up to the document.
 */
interface Pending {
  /** The deepest comment's indentation (-1 when there is no comment). */
  readonly indent: number;
  /** Where the item ends: the start of the next content (its indentation included), or the end of the text. */
  readonly end: number;
}

/** Parses `text` if it stays within the config subset; undefined otherwise. */
export function fastParse(text: string): FastParse | undefined {
  const lineCounter = new LineCounter();
  try {
    const { lines, trivia } = scanLines(text, lineCounter);
    if (lines.length === 0 || lines[0]!.dash || lines[0]!.indent !== 0) return undefined;
    const parser = new BlockParser(text, lines, trivia);
    const [node, data] = parser.map(0);
    if (parser.pos !== lines.length) return undefined;
    const doc = new Document() as Document.Parsed;
    doc.contents = node as Document.Parsed['contents'];
    // The root never keeps trailing comment lines: they end the document (yaml's doc.end).
    const [start, , end] = node.range!;
    doc.range = [start, end, parser.pending ? text.length : end];
    return { doc, data, lineCounter };
  } catch (error) {
    if (error instanceof Bail) return undefined;
    throw error;
  }
}

const plain = (scalar: Scalar): Scalar => {
  scalar.type = Scalar.PLAIN;
  return scalar;
};

class BlockParser {
  pos = 0;
  pending: Pending | null = null;
  constructor(
    private readonly text: string,
    private readonly lines: Line[],
    private readonly trivia: Trivia[],
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
      // The key takes the blank and comment lines before it (as its own comments): no range holds them.
      this.pending = null;
      const match = KEY.exec(this.text.slice(line.start, line.end));
      if (!match) bail();
      const name = match![1]!;
      if (Object.prototype.hasOwnProperty.call(data, name) || name === '__proto__') bail();
      const colon = line.start + match![0].indexOf(':');
      // yaml measures the key from the end of the tokens before it, which can be the previous value's end (after an
      // empty value, say): measuring from there too may bail on a few long keys yaml accepts, never the reverse.
      if (resolvePlain(name) !== name || colon - end > MAX_KEY_SPAN) bail();
      const key = plain(new Scalar(name));
      key.range = [line.start, line.start + name.length, line.start + name.length];
      const valueStart = line.start + match![0].length;
      const [value, valueData] =
        valueStart < line.end ? this.inline(valueStart, line.end, indent) : this.below(indent, colon);
      map.items.push(new Pair(key, value));
      data[name] = valueData;
      end = value.range![2];
    }
    map.range = [start, end, this.close(indent) ?? end];
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
      this.pending = null;
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
        [item, itemData] = this.inline(itemStart, line.end, indent);
      }
      seq.items.push(item);
      data.push(itemData);
      end = item.range![2];
    }
    seq.range = [start, end, this.close(indent) ?? end];
    return [seq, data];
  }

  /** Column of an offset on its line. */
  private column(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }

  private block(indent: number): [Node, unknown] {
    return this.lines[this.pos]!.dash ? this.seq(indent) : this.map(indent);
  }

  /**
   * Where a collection that ends here ends in yaml: after the pending comment lines when it keeps them (see
   * {@link Pending}), else undefined (they move on to the parent).
   */
  private close(indent: number): number | undefined {
    const pending = this.pending;
    if (!pending || indent === 0 || pending.indent < indent) return undefined;
    this.pending = null;
    return pending.end;
  }

  /**
   * The end of the node on the rest of line `index` (in a collection at `indent`): yaml extends it over the line break
   * and over the comment lines after it that are indented deeper than the collection (and the blank lines before
   * those), up to the first comment that is not. The lines left become {@link pending}.
   */
  private tail(index: number, indent: number): number {
    const line = this.lines[index]!;
    const next = this.lines[index + 1];
    const to = next ? next.after : this.trivia.length;
    let end = line.eol;
    let rest = line.after;
    for (let k = line.after; k < to; k++) {
      const trivia = this.trivia[k]!;
      if (!trivia.comment) continue;
      if (trivia.indent <= indent) break;
      end = trivia.eol;
      rest = k + 1;
    }
    if (rest < to) {
      let deepest = -1;
      for (let k = rest; k < to; k++) if (this.trivia[k]!.comment) deepest = Math.max(deepest, this.trivia[k]!.indent);
      this.pending = { indent: deepest, end: next ? next.start : this.text.length };
    } else this.pending = null;
    return end;
  }

  /** The value of a key that ends its line (at `colon`): a nested block, or an empty value. */
  private below(indent: number, colon: number): [Node, unknown] {
    const index = this.pos++;
    const next = this.lines[this.pos];
    if (next && next.indent > indent) return this.block(next.indent);
    if (next && next.indent === indent && next.dash) return this.seq(indent);
    let at = colon + 1;
    while (this.text.charCodeAt(at) === 32) at++;
    const scalar = plain(new Scalar(null));
    scalar.range = [at, at, this.emptyEnd(index, indent) ?? at];
    this.pending = null;
    return [scalar, null];
  }

  /**
   * The end yaml gives an empty value on line `index` when a comment follows it (undefined when none does): the
   * comment lines after it are its own, except that when the next key follows at the same column, yaml hands that key
   * everything from the second line break after the last comment indented deeper than the mapping.
   */
  private emptyEnd(index: number, indent: number): number | undefined {
    const line = this.lines[index]!;
    const next = this.lines[index + 1];
    const from = line.after;
    const to = next ? next.after : this.trivia.length;
    let comment = line.comment;
    let end = next ? next.start : this.text.length;
    let last = to - 1;
    if (next && next.indent === indent) {
      last = from - 1;
      for (let k = from; k < to; k++) if (this.trivia[k]!.comment && this.trivia[k]!.indent > indent) last = k;
      if (last + 1 < to) {
        comment ||= this.trivia[last + 1]!.comment;
        end = this.trivia[last + 1]!.lineBreak;
      }
    }
    for (let k = from; k <= last && !comment; k++) comment = this.trivia[k]!.comment;
    return comment ? end : undefined;
  }

  /** A value on the rest of line `pos` (in a collection at `indent`): a flow list, a quoted or a plain scalar. */
  private inline(start: number, end: number, indent: number): [Node, unknown] {
    const index = this.pos++;
    const [node, data] = this.text[start] === '[' ? this.flowSeq(start, end) : this.scalar(start, end);
    node.range = [start, end, this.tail(index, indent)];
    return [node, data];
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
      if (INDICATOR_START.test(text) || text.includes(': ') || text.endsWith(':') || text.includes(' #')) bail();
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

  /** A one-line flow list of scalars, `[a, 'b', 3]`; each item's range runs over the spaces after it, as in yaml. */
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
      while (j < close && this.text[j] === ' ') j++;
      item.range = [i, itemEnd, j];
      seq.items.push(item);
      data.push(value);
      if (j < close && this.text[j] !== ',') bail();
      i = j + 1;
      if (j < close && i >= close) bail(); // a trailing comma
    }
    seq.range = [start, end, end];
    return [seq, data];
  }
}
