import type { LineCounter } from 'yaml';

/** A line with content (not blank, not only a comment), as the fast reader sees it. */
export interface Line {
  /** Offset of the first content character (after indentation). */
  start: number;
  /** Offset after the last content character (comment and trailing spaces removed). */
  end: number;
  /** Column of the first content character. */
  indent: number;
  /** Whether the line is a sequence entry (`- …`) at `indent`. */
  dash: boolean;
  /** Offset after the line break (the end of the text on the last line). */
  readonly eol: number;
  /** Whether a comment ends the line. */
  readonly comment: boolean;
  /** Index in {@link Scan.trivia} of the first blank or comment-only line after this one. */
  readonly after: number;
}

/** A blank or comment-only line: yaml extends node ranges over some of them, so the reader keeps their shape. */
export interface Trivia {
  /** Spaces before the comment (or on the blank line). */
  readonly indent: number;
  readonly comment: boolean;
  /** Offset of the line break (`\r\n` or `\n`), or the end of the text. */
  readonly lineBreak: number;
  /** Offset after the line break (the end of the text on the last line). */
  readonly eol: number;
}

/** The lines of a text, split into content lines and the blank or comment lines around them. */
export interface Scan {
  readonly lines: Line[];
  readonly trivia: Trivia[];
}

/** Thrown (and caught by the reader) when the text leaves the subset; the caller then uses the `yaml` package. */
export class Bail extends Error {}
/** Leaves the subset: throws {@link Bail}. */
export const bail = (): never => {
  throw new Bail();
};

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const OCT = /^0o[0-7]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/** Resolves a plain scalar with the YAML 1.2 core schema, as the `yaml` package does by default. */
export function resolvePlain(text: string): unknown {
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

/** Line starts that exclude the subset: tabs, directives, anchors, aliases, tags, explicit keys, flow maps, blocks. */
const EXCLUDED_START = new Set(['\t', '%', '&', '*', '!', '?', '{', '|', '>', '@', '`']);

/** Offset after the content of a line from `i` (trailing comment and spaces removed); bails on tabs and open quotes. */
function contentEnd(text: string, i: number, lineEnd: number): number {
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
  return end;
}

/** Splits the text into content lines and trivia (blank and comment lines); bails on what the subset excludes. */
export function scanLines(text: string, lineCounter: LineCounter): Scan {
  // yaml reads a lone CR as part of a scalar or as an error, never as a line break: out of the subset.
  for (let cr = text.indexOf('\r'); cr >= 0; cr = text.indexOf('\r', cr + 1)) if (text[cr + 1] !== '\n') bail();
  const lines: Line[] = [];
  const trivia: Trivia[] = [];
  let lineStart = 0;
  lineCounter.addNewLine(0);
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    let eol = lineEnd + 1;
    if (lineEnd < 0) lineEnd = eol = text.length;
    else lineCounter.addNewLine(eol);
    const lineBreak = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    let i = lineStart;
    while (i < lineBreak && text.charCodeAt(i) === 32) i++;
    const c = text[i];
    if (i === lineBreak || c === '#') {
      trivia.push({ indent: i - lineStart, comment: c === '#', lineBreak, eol });
    } else {
      if (EXCLUDED_START.has(c!)) bail();
      if ((c === '-' && text.startsWith('---', i)) || (c === '.' && text.startsWith('...', i))) bail();
      const end = contentEnd(text, i, lineBreak);
      const dash = c === '-' && (i + 1 === end || text[i + 1] === ' ');
      let k = end;
      while (k < lineBreak && text.charCodeAt(k) === 32) k++;
      // `after`: the trivia so far precede this line, so the ones after it start at this index.
      lines.push({ start: i, end, indent: i - lineStart, dash, eol, comment: k < lineBreak, after: trivia.length });
    }
    lineStart = eol;
  }
  return { lines, trivia };
}
