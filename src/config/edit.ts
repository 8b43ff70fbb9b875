import {
  Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Pair,
  parseDocument,
  Scalar,
  YAMLMap,
  type Node,
} from 'yaml';
import type { TextEdit } from './diagnostic';

/** Why a value could not be set (the message names the place and what to do). */
export class ConfigEditError extends Error {
  override readonly name = 'ConfigEditError';
}

/** A value a fix can write: one YAML scalar. */
export type ConfigScalar = string | number | boolean | null;

type Range = readonly [number, number, number];
type AnyPair = Pair<unknown, unknown>;

/**
 * The minimal text edits that set the value at a dotted path (e.g. `data.prefetch`, `monitoring.checkpoints.every`)
 * in a YAML training config, leaving every other character (comments, blank lines, key order, quoting style, flow or
 * block style) untouched.
 *
 * An existing scalar is replaced in place (a quoted string keeps its quotes); a missing key is inserted after the last
 * entry of its mapping (block or flow style, as the mapping is written), creating missing intermediate mappings; a
 * missing top-level section is appended at the end of the document. Inserted lines use the file's line endings.
 *
 * @throws ConfigEditError when the text is not valid YAML (a repeated key included), when the path holds a mapping or a sequence, or when a
 *   part of the path is not a mapping.
 */
export function setConfigValueEdits(text: string, path: string, value: ConfigScalar): TextEdit[] {
  const segments = path.split('.');
  if (path === '' || segments.some((segment) => segment === '')) {
    throw new ConfigEditError(`"${path}" is not a config path: write the keys joined by dots, e.g. data.prefetch.`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, keepSourceTokens: false });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const reason = error.message.split('\n')[0] ?? error.message;
    throw new ConfigEditError(
      `Cannot set ${path}: the config is not valid YAML (line ${line}, column ${col}: ${reason}). Fix that error first.`,
    );
  }
  return new Editor(text, path, segments, value).edits(doc.contents);
}

/**
 * Applies edits (non-overlapping, any order) to text. Insertions at the same offset keep their order in `edits`.
 *
 * @throws RangeError when edits overlap or fall outside the text.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || a.index - b.index);
  let out = '';
  let cursor = 0;
  for (const { edit } of sorted) {
    if (edit.start < cursor || edit.end < edit.start || edit.end > text.length) {
      throw new RangeError(`Text edit ${edit.start}-${edit.end} overlaps another edit or lies outside the text.`);
    }
    out += text.slice(cursor, edit.start) + edit.newText;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}

/** Writes `value` as yaml writes a scalar (a key when `asKey`) in block or flow context, optionally in a quote style. */
function renderScalar(value: ConfigScalar, inFlow: boolean, asKey = false, type?: Scalar.Type): string {
  const scalar = new Scalar(value);
  if (type && typeof value === 'string') scalar.type = type;
  const map = new YAMLMap();
  map.flow = inFlow;
  map.items.push(asKey ? new Pair(scalar, new Scalar(null)) : new Pair(new Scalar('k'), scalar));
  const doc = new Document();
  doc.contents = map;
  const out = doc.toString({ singleQuote: true, lineWidth: 0, minContentWidth: 0, blockQuote: false });
  // Read the written scalar back by its range, so that the characters are exactly yaml's.
  const written = parseDocument(out).contents;
  const pair = isMap(written) ? written.items[0] : undefined;
  const node = asKey ? pair?.key : pair?.value;
  const range = (node as Node | undefined)?.range;
  if (!range) throw new ConfigEditError(`Cannot write ${JSON.stringify(value)} as a YAML scalar.`);
  const text = out.slice(range[0], range[1]);
  // A fix writes one line: a string with line breaks is written double-quoted, with escapes.
  if (/[\r\n]/.test(text) && type !== 'QUOTE_DOUBLE') return renderScalar(value, inFlow, asKey, 'QUOTE_DOUBLE');
  return text;
}

/** Whether a node is an empty value (`key:` with nothing, or an explicit `null` / `~`). */
function isEmptyValue(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** Whether a node is written as nothing at all (`key:`), as opposed to `null` or `~`. */
function isBlank(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  const range = (node as Node).range;
  return isScalar(node) && node.value === null && (!range || range[0] === range[1]);
}

/** Builds the edits for one call; holds the text and the style facts the edits follow. */
class Editor {
  private readonly eol: string;
  /** Spaces per nesting level in block style (the document's own step, else 2). */
  private unit = 2;

  constructor(
    private readonly text: string,
    private readonly path: string,
    private readonly segments: readonly string[],
    private readonly value: ConfigScalar,
  ) {
    const lf = text.indexOf('\n');
    this.eol = lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
  }

  /** The edits for the document's root node. */
  edits(root: unknown): TextEdit[] {
    if (root === null || root === undefined) return [this.append(0)];
    if (!isMap(root)) {
      const kind = isSeq(root) ? 'a sequence' : isAlias(root) ? 'an alias' : 'a single value';
      throw new ConfigEditError(
        `Cannot set ${this.path}: the document is ${kind}, not a mapping of sections. A training config starts with keys such as version, model and data.`,
      );
    }
    this.unit = indentUnit(root, this.text) ?? 2;
    let map: YAMLMap = root;
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i] as string;
      const here = this.segments.slice(0, i + 1).join('.');
      const rest = this.segments.slice(i + 1);
      const pair = findPair(map, segment);
      if (!pair) return this.insert(map, this.segments.slice(i), i === 0);
      const node = pair.value;
      if (rest.length === 0) return this.setValue(map, pair, here);
      if (isMap(node)) {
        map = node;
        continue;
      }
      if (isEmptyValue(node)) return this.fillEmpty(map, pair, rest);
      const next = rest[0] as string;
      if (isAlias(node)) {
        throw new ConfigEditError(
          `Cannot set ${this.path}: ${here} is an alias (${this.source(node)}), so changing it would change the anchored value too. Write ${here} out as a mapping first.`,
        );
      }
      const holds = isSeq(node) ? 'a sequence' : `the single value ${this.source(node as Node)}`;
      throw new ConfigEditError(
        `Cannot set ${this.path}: ${here} holds ${holds}, not a mapping, so it has no key "${next}". Make ${here} a mapping first.`,
      );
    }
    /* c8 ignore next */
    throw new ConfigEditError(`Cannot set ${this.path}.`);
  }

  /** Sets the value of an existing key. */
  private setValue(map: YAMLMap, pair: AnyPair, here: string): TextEdit[] {
    const node = pair.value;
    if (isMap(node) || isSeq(node)) {
      const kind = isMap(node) ? 'a mapping' : 'a sequence';
      throw new ConfigEditError(
        `Cannot set ${here}: it holds ${kind}, and this fix sets a single value. Edit ${here} by hand, or remove it first.`,
      );
    }
    const inFlow = Boolean(map.flow);
    if (isBlank(node)) {
      const colon = this.colonAfter(pair);
      if (colon !== undefined) return [insertion(colon, ` ${renderScalar(this.value, inFlow)}`)];
      if (inFlow) return [insertion(keyEnd(pair), `: ${renderScalar(this.value, inFlow)}`)];
      throw this.explicitKey(here);
    }
    const range = (node as Node).range as Range;
    const type = isScalar(node) ? node.type : undefined;
    let end = range[1];
    if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
      while (end > range[0] && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    }
    const quoted = type === 'QUOTE_SINGLE' || type === 'QUOTE_DOUBLE' ? type : undefined;
    const newText = renderScalar(this.value, inFlow, false, quoted);
    if (this.text.slice(range[0], end) === newText) return [];
    return [{ start: range[0], end, newText }];
  }

  /** Gives an empty key (`training:`, `training: null`, `training: ~`) the mapping for the rest of the path. */
  private fillEmpty(map: YAMLMap, pair: AnyPair, rest: readonly string[]): TextEdit[] {
    const node = pair.value as Node | null;
    const range = node?.range;
    const colon = this.colonAfter(pair);
    if (map.flow) {
      const pad = this.flowPad(map);
      const nested = `{${pad}${this.flowEntry(rest, pad)}${pad}}`;
      if (!isBlank(node) && range) return [{ start: range[0], end: range[1], newText: nested }];
      if (colon !== undefined) return [insertion(colon, ` ${nested}`)];
      return [insertion(keyEnd(pair), `: ${nested}`)];
    }
    if (colon === undefined) throw this.explicitKey(this.segments.slice(0, -rest.length).join('.'));
    const indent = this.column((pair.key as Node).range?.[0] ?? colon) + this.unit;
    const edits: TextEdit[] = [];
    let after = colon;
    if (!isBlank(node) && range) {
      edits.push({ start: colon, end: range[1], newText: '' });
      after = range[1];
    }
    edits.push(this.linesAfter(after, this.blockLines(rest, indent)));
    return edits;
  }

  /** Inserts the missing keys `rest` into `map`. */
  private insert(map: YAMLMap, rest: readonly string[], root: boolean): TextEdit[] {
    if (map.flow) return [this.flowInsert(map, rest)];
    const first = map.items[0];
    const indent = first ? this.column(pairStart(first) ?? 0) : 0;
    const end = contentEnd(map);
    if (root && !/^(?:\.\.\.|---)/m.test(this.text.slice(end))) return [this.append(indent)];
    return [this.linesAfter(end, this.blockLines(rest, indent))];
  }

  /** Appends the whole path as a new top-level section at the end of the document. */
  private append(indent: number): TextEdit {
    const text = this.text;
    const newline = text === '' || text.endsWith('\n') ? '' : this.eol;
    return insertion(text.length, newline + this.blockLines(this.segments, indent));
  }

  /** Inserts `, key: value` (or the first entry) into a flow mapping, in its spacing style. */
  private flowInsert(map: YAMLMap, rest: readonly string[]): TextEdit {
    const [open, end] = map.range as Range;
    const close = this.text.lastIndexOf('}', end - 1);
    const items = map.items as AnyPair[];
    const last = items[items.length - 1];
    if (!last) {
      return { start: open + 1, end: Math.max(open + 1, close), newText: ` ${this.flowEntry(rest, ' ')} ` };
    }
    const entry = this.flowEntry(rest, this.flowPad(map));
    const lastEnd = pairEnd(last);
    const previous = items[items.length - 2];
    const lastStart = pairStart(last) ?? lastEnd;
    const gapStart = previous ? pairEnd(previous) : open + 1;
    if (this.text.slice(gapStart, lastStart).includes('\n')) {
      return insertion(lastEnd, `,${this.eol}${' '.repeat(this.column(lastStart))}${entry}`);
    }
    return insertion(lastEnd, `, ${entry}`);
  }

  /** The space a flow mapping keeps inside its braces: `{ a: 1 }` or `{a: 1}` (an empty one gets a space). */
  private flowPad(map: YAMLMap): string {
    const open = map.range?.[0];
    if (map.items.length === 0 || open === undefined) return ' ';
    return /\s/.test(this.text[open + 1] ?? '') ? ' ' : '';
  }

  /** `a: { b: value }` for the keys `rest`, in flow style. */
  private flowEntry(rest: readonly string[], pad: string): string {
    const [key, ...more] = rest;
    const value =
      more.length > 0 ? `{${pad}${this.flowEntry(more, pad)}${pad}}` : renderScalar(this.value, true, false);
    return `${renderScalar(key as string, true, true)}: ${value}`;
  }

  /** Block lines `a:` / `  b: value`, each ending with the file's line break. */
  private blockLines(rest: readonly string[], indent: number): string {
    return rest
      .map((key, i) => {
        const head = `${' '.repeat(indent + i * this.unit)}${renderScalar(key, false, true)}:`;
        return i === rest.length - 1 ? `${head} ${renderScalar(this.value, false)}${this.eol}` : `${head}${this.eol}`;
      })
      .join('');
  }

  /** Inserts whole lines after the line holding `offset` (adding a line break first at a last line without one). */
  private linesAfter(offset: number, lines: string): TextEdit {
    if (offset > 0 && this.text[offset - 1] === '\n') return insertion(offset, lines);
    const lf = this.text.indexOf('\n', offset);
    if (lf >= 0) return insertion(lf + 1, lines);
    return insertion(this.text.length, this.eol + lines.slice(0, lines.length - this.eol.length));
  }

  /** The offset just after the `:` that follows a pair's key, when the key is implicit (`key: …`). */
  private colonAfter(pair: AnyPair): number | undefined {
    let i = keyEnd(pair);
    while (this.text[i] === ' ' || this.text[i] === '\t') i++;
    return this.text[i] === ':' ? i + 1 : undefined;
  }

  private explicitKey(here: string): ConfigEditError {
    return new ConfigEditError(
      `Cannot set ${this.path}: ${here} is written as an explicit key ("? ${here.split('.').pop()}") without a value; write it as "key: value" first.`,
    );
  }

  /** The 0-based column of an offset. */
  private column(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }

  private source(node: Node): string {
    const range = node.range;
    return range ? this.text.slice(range[0], range[1]).trim() : String(node);
  }
}

function insertion(at: number, newText: string): TextEdit {
  return { start: at, end: at, newText };
}

/** The pair for `key` (keys are unique: a repeated key is a parse error). */
function findPair(map: YAMLMap, key: string): AnyPair | undefined {
  return (map.items as AnyPair[]).find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
}

function pairStart(pair: AnyPair): number | undefined {
  return (pair.key as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0];
}

function keyEnd(pair: AnyPair): number {
  return (pair.key as Node | null)?.range?.[1] ?? 0;
}

function pairEnd(pair: AnyPair): number {
  const value = pair.value as Node | null;
  if (value && !isBlank(value)) return contentEnd(value);
  return Math.max(keyEnd(pair), value?.range?.[1] ?? 0);
}

/** Where a node's own characters end, without trailing comments or blank lines (nested children included). */
function contentEnd(node: Node): number {
  const range = node.range;
  if ((isMap(node) || isSeq(node)) && !node.flow) {
    const last: unknown = node.items[node.items.length - 1];
    if (isPair(last)) return pairEnd(last);
    if (isNode(last)) return contentEnd(last);
  }
  return range?.[1] ?? 0;
}

/** The indentation step the document uses for nested block mappings, when it has one. */
function indentUnit(map: YAMLMap, text: string): number | undefined {
  const column = (offset: number) => offset - (text.lastIndexOf('\n', offset - 1) + 1);
  for (const pair of map.items as AnyPair[]) {
    const value = pair.value;
    if (!isMap(value) || value.flow) continue;
    const parent = pairStart(pair);
    const child = value.items[0] ? pairStart(value.items[0]) : undefined;
    if (parent !== undefined && child !== undefined && column(child) > column(parent)) {
      return column(child) - column(parent);
    }
    const deeper = indentUnit(value, text);
    if (deeper !== undefined) return deeper;
  }
  return undefined;
}
