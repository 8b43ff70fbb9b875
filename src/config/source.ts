import { isMap, isPair, isScalar, isSeq, type LineCounter, type Document, type Node, type Pair } from 'yaml';
import type { SourcePosition, SourceRange } from './diagnostic';

/** A parsed config: the YAML document with source ranges, and a way to turn offsets into lines and columns. */
export interface ConfigSource {
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/** The 1-based line and column of an offset. */
export function positionAt(source: Pick<ConfigSource, 'lineCounter'>, offset: number): SourcePosition {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col, offset };
}

/** A range between two offsets. */
export function rangeOf(source: Pick<ConfigSource, 'lineCounter'>, start: number, end: number): SourceRange {
  return { start: positionAt(source, start), end: positionAt(source, Math.max(start, end)) };
}

/** Where a path lands in the document: the pair's key (for maps) and the value node, when present. */
export interface Located {
  readonly key?: Node;
  readonly value?: Node;
  /** The deepest collection reached when the path does not exist (for "add missing key" and range fallback). */
  readonly parent?: Node;
}

/** The key pair of a map for `key`, first occurrence. */
export function findPair(map: Node, key: string): Pair<Node, Node> | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key) as Pair<Node, Node> | undefined;
}

/** Follows `path` (keys and indices) from the document root. */
export function locate(doc: Document.Parsed, path: readonly (string | number)[]): Located {
  let node = doc.contents as Node | null;
  let key: Node | undefined;
  let parent: Node | undefined;
  for (const segment of path) {
    if (!node) return parent ? { parent } : {};
    parent = node;
    if (typeof segment === 'number' && isSeq(node)) {
      const item = node.items[segment] as Node | undefined;
      key = undefined;
      node = item ?? null;
      if (!item) return { parent };
      continue;
    }
    const pair = findPair(node, String(segment));
    if (!pair || !isPair(pair)) return { parent };
    key = pair.key ?? undefined;
    node = pair.value ?? null;
  }
  return { ...(key ? { key } : {}), ...(node ? { value: node } : {}), ...(parent ? { parent } : {}) };
}

/** The source offsets a node spans (without trailing comments). */
export function nodeSpan(node: Node): [number, number] {
  const [start, valueEnd] = node.range ?? [0, 0];
  return [start, valueEnd];
}
