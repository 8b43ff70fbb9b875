import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import type { ConfigDiagnostic } from './diagnostic';
import { fastParse } from './fastYaml';
import { formatPath } from './diagnostic';
import { rangeOf, type ConfigSource } from './source';

/** Files above this size are not parsed: no training config is that long, and the editor must stay responsive. */
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;
/** Nesting deeper than this is refused before parsing (a recursive parser could exhaust the stack). */
export const MAX_NESTING = 64;
/** Alias expansions allowed when converting to data ("billion laughs" protection). */
export const MAX_ALIAS_EXPANSIONS = 100;

/** How to parse: `auto` tries the fast reader for the config subset first; `yaml` always uses the yaml package. */
export interface ParseOptions {
  readonly parser?: 'auto' | 'yaml';
}

/** The result of reading a config text: its source (when it parsed) and the data, plus YAML-level problems. */
export interface ParsedConfig {
  readonly source?: ConfigSource;
  /** The plain data (undefined when the text is not a usable YAML document). */
  readonly data?: unknown;
  readonly diagnostics: ConfigDiagnostic[];
}

/** Records line starts when the text is refused before parsing (the parser records them otherwise). */
function countLines(lineCounter: LineCounter, text: string): void {
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
}

/**
 * Parses a training config, keeping source ranges. Never throws: empty files, binary junk, YAML syntax errors,
 * tabs, duplicate keys, excessive nesting and alias bombs all become diagnostics on the exact place.
 */
export function parseConfig(text: string, options: ParseOptions = {}): ParsedConfig {
  const lineCounter = new LineCounter();
  const diagnostics: ConfigDiagnostic[] = [];
  const problem = (code: string, message: string, start = 0, end = 1, severity: 'error' | 'warning' = 'error') =>
    diagnostics.push({ severity, code, message, path: '', range: rangeOf({ lineCounter }, start, end) });

  if (text.length > MAX_CONFIG_BYTES) {
    countLines(lineCounter, text);
    problem(
      'yaml/too-large',
      `The file is ${(text.length / 1024 / 1024).toFixed(1)} MiB; a training config must be under ${MAX_CONFIG_BYTES / 1024 / 1024} MiB. Is this the right file?`,
    );
    return { diagnostics };
  }
  if (text.includes('\u0000')) {
    countLines(lineCounter, text);
    const at = text.indexOf('\u0000');
    problem('yaml/binary', 'The file contains NUL bytes: it is binary, not a YAML training config.', at, at + 1);
    return { diagnostics };
  }
  const deep = findExcessiveNesting(text);
  if (deep !== undefined) {
    countLines(lineCounter, text);
    problem(
      'yaml/too-deep',
      `Nesting deeper than ${MAX_NESTING} levels; a training config needs a handful. Flatten this structure.`,
      deep,
      deep + 1,
    );
    return { diagnostics };
  }

  if (options.parser !== 'yaml') {
    const fast = fastParse(text);
    if (fast) return { source: { text, doc: fast.doc, lineCounter: fast.lineCounter }, data: fast.data, diagnostics };
  }
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: false,
    prettyErrors: false,
    strict: true,
    keepSourceTokens: false,
    // Warnings (a collection used as a key) would reach the user's terminal as a Node process warning; the
    // schema reports such a key on its own.
    logLevel: 'error',
  });
  const source: ConfigSource = { text, doc, lineCounter };
  for (const error of doc.errors) {
    const code = error.code === 'TAB_AS_INDENT' ? 'yaml/tab' : 'yaml/syntax';
    const message =
      error.code === 'TAB_AS_INDENT'
        ? 'Tabs are not allowed for indentation in YAML; indent with spaces.'
        : `YAML syntax error: ${error.message.split('\n')[0]}`;
    problem(code, message, error.pos[0], error.pos[1]);
  }
  for (const warning of doc.warnings)
    problem(
      'yaml/warning',
      warning.message.split('\n')[0] ?? warning.message,
      warning.pos[0],
      warning.pos[1],
      'warning',
    );
  diagnostics.push(...duplicateKeys(source));
  if (doc.errors.length > 0) return { source, diagnostics };

  if (doc.contents === null) {
    problem(
      'yaml/empty',
      'The file is empty. Start from the "trainlens" snippet or run "TrainLens: New Training Config".',
      0,
      text.length,
    );
    return { source, diagnostics };
  }
  if (!isMap(doc.contents)) {
    const [start, end] = doc.contents.range ?? [0, 1];
    problem(
      'yaml/not-a-mapping',
      'A training config is a mapping of sections (version, model, data, training, …), not a list or a single value.',
      start,
      end,
    );
    return { source, diagnostics };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (error) {
    let at = 0;
    visit(doc, { Alias: (_, node) => void (at = node.range?.[0] ?? at) });
    problem(
      'yaml/alias-bomb',
      `Aliases expand to too many values (${(error as Error).message}); a training config does not need this. Write the values out.`,
      at,
      at + 1,
    );
    return { source, diagnostics };
  }
  return { source, data, diagnostics };
}

/** Offset where flow brackets or block indentation exceed {@link MAX_NESTING}, scanning the text once. */
function findExcessiveNesting(text: string): number | undefined {
  let depth = 0;
  let lineStart = true;
  let indent = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote && text[i - 1] !== '\\') quote = undefined;
      continue;
    }
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === ' ' || c === '-') {
        indent++;
        if (indent / 2 > MAX_NESTING) return i;
        continue;
      }
      lineStart = false;
    }
    if (c === '#') {
      const next = text.indexOf('\n', i);
      i = next < 0 ? text.length : next - 1;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return i;
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Every repeated key in a mapping, on the repeat, with a fix that deletes it. */
function duplicateKeys(source: ConfigSource): ConfigDiagnostic[] {
  const found: ConfigDiagnostic[] = [];
  const walk = (node: Node | null | undefined, path: (string | number)[]): void => {
    if (!node || isAlias(node)) return;
    if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item as Node, [...path, index]));
      return;
    }
    if (!isMap(node)) return;
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      const keyRange = pair.key.range ?? [0, 0, 0];
      const firstLine = seen.get(name);
      if (firstLine !== undefined) {
        const valueEnd = (pair.value as Node | null)?.range?.[2] ?? keyRange[2];
        const lineStart = source.text.lastIndexOf('\n', keyRange[0] - 1) + 1;
        const onlyIndent = /^\s*$/.test(source.text.slice(lineStart, keyRange[0]));
        const deleteStart = onlyIndent ? lineStart : keyRange[0];
        const deleteEnd =
          source.text[valueEnd - 1] === '\n' || valueEnd >= source.text.length
            ? valueEnd
            : source.text.indexOf('\n', valueEnd) + 1 || source.text.length;
        found.push({
          severity: 'error',
          code: 'yaml/duplicate-key',
          message: `"${name}" is already set on line ${firstLine}; YAML would silently keep only one of them. Remove one.`,
          path: formatPath([...path, name]),
          range: rangeOf(source, keyRange[0], keyRange[1]),
          fixes: [
            {
              title: `Remove this duplicate "${name}"`,
              edits: [{ start: deleteStart, end: deleteEnd, newText: '' }],
              preferred: true,
            },
          ],
        });
      } else {
        seen.set(name, source.lineCounter.linePos(keyRange[0]).line);
      }
      walk(pair.value as Node, [...path, name]);
    }
  };
  walk(source.doc.contents, []);
  return found;
}
