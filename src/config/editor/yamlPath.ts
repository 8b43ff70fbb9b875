/**
 * Line-based location of the cursor in a YAML config: the chain of keys above it and whether it stands where a key
 * or a value goes. Works on half-typed documents that do not parse, which is when completion is needed most.
 */
export interface CursorContext {
  /** Keys from the root to the mapping the cursor is in (list items appear as index 0). */
  readonly parentPath: readonly (string | number)[];
  /** In a value position: the key whose value is being typed. */
  readonly key?: string;
  /** Where a key goes (start of an entry) or where a value goes (after `key:`). */
  readonly position: 'key' | 'value';
  /** The partial word being typed and where it starts. */
  readonly prefix: string;
  readonly prefixStart: number;
  /** Indentation of the current entry, in spaces. */
  readonly indent: number;
}

const KEY_LINE = /^(\s*)(- )?([A-Za-z_][\w-]*)\s*:(.*)$/;

/** Finds where `offset` stands in `text`. */
export function cursorContext(text: string, offset: number): CursorContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const indentMatch = /^(\s*)(- )?/.exec(before)!;
  let indent = indentMatch[0].length;
  const keyValue = /^(\s*)(- )?([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(before);
  const prefixMatch = /[\w.-]*$/.exec(before)!;
  const prefix = prefixMatch[0];
  const prefixStart = offset - prefix.length;
  const parentPath = ancestors(
    text,
    lineStart,
    keyValue ? (keyValue[1]?.length ?? 0) + (keyValue[2] ? 2 : 0) : indent,
    Boolean(indentMatch[2]),
  );
  if (keyValue) {
    indent = (keyValue[1]?.length ?? 0) + (keyValue[2] ? 2 : 0);
    return { parentPath, key: keyValue[3]!, position: 'value', prefix, prefixStart, indent };
  }
  return { parentPath, position: 'key', prefix, prefixStart, indent };
}

/** Keys of the enclosing mappings of a line at `indent`, walking up to lines with less indentation. */
function ancestors(text: string, lineStart: number, indent: number, inListItem: boolean): (string | number)[] {
  const path: (string | number)[] = [];
  let want = indent;
  if (inListItem) path.unshift(0);
  let end = lineStart - 1;
  while (end > 0 && want > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const match = KEY_LINE.exec(line);
    const lineIndent = /^\s*/.exec(line)![0].length;
    if (lineIndent >= want && !(match?.[2] && lineIndent + 2 <= want)) continue;
    if (!match) {
      if (/^\s*- /.test(line) && lineIndent < want) {
        path.unshift(0);
        want = lineIndent;
      }
      continue;
    }
    const keyIndent = lineIndent + (match[2] ? 2 : 0);
    if (keyIndent < want) {
      path.unshift(match[3]!);
      if (match[2]) path.unshift(0);
      want = lineIndent;
    } else if (match[2] && lineIndent < want) {
      path.unshift(0);
      want = lineIndent;
    }
  }
  return path;
}
