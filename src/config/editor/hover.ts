import { describeLevel } from '../levels';
import { schemaAt } from '../schema';
import { documentNode } from './completion';
import { cursorContext } from './yamlPath';

/** What hovering shows: markdown and the span of the hovered word. */
export interface ConfigHover {
  readonly markdown: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Hover for the key or value under `offset`: the key's description, type, default and range from the schema; for an
 * enum value, that value's meaning; for `optimization.level`, exactly what the level expands to.
 */
export function hoverConfig(text: string, offset: number): ConfigHover | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEndRaw = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEndRaw < 0 ? text.length : lineEndRaw);
  const match = /^(\s*)(- )?([A-Za-z_][\w-]*)\s*:\s*([^#\s][^#]*?)?\s*(#.*)?$/.exec(line);
  if (!match) return undefined;
  const keyStart = lineStart + match[1]!.length + (match[2]?.length ?? 0);
  const keyEnd = keyStart + match[3]!.length;
  const key = match[3]!;
  const { parentPath } = cursorContext(text, keyStart);
  const path = [...parentPath, key];
  const node = schemaAt(path);
  if (!node) return undefined;
  const dotted = path.filter((p) => typeof p === 'string').join('.');
  const value = match[4];
  const valueStart = value
    ? lineStart + line.indexOf(value, match[1]!.length + (match[2]?.length ?? 0) + key.length)
    : -1;
  if (value && offset >= valueStart && offset <= valueStart + value.length) {
    const index = node.enum?.findIndex((v) => String(v) === value) ?? -1;
    if (index >= 0) {
      const levelText =
        dotted === 'optimization.level'
          ? `\n\nExpands to:\n\`\`\`yaml\n${describeLevel(value as 'basic')}\n\`\`\``
          : '';
      return {
        markdown: `**${dotted}: ${value}**: ${node.enumDescriptions?.[index] ?? ''}${levelText}`,
        start: valueStart,
        end: valueStart + value.length,
      };
    }
  }
  if (offset < keyStart || offset > keyEnd) {
    if (!(value && offset >= valueStart)) return undefined;
  }
  return { markdown: `**${dotted}**\n\n${documentNode(node, path)}`, start: keyStart, end: keyEnd };
}
