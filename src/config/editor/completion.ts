import { isMap, isScalar, parseDocument, type Node } from 'yaml';
import { describeLevel } from '../levels';
import { describeRange, schemaAt, type SchemaNode } from '../schema';
import { placeholder } from '../schemaValidate';
import { locate } from '../source';
import { cursorContext } from './yamlPath';

/** A completion proposal, editor-neutral: the extension turns it into a CompletionItem. */
export interface ConfigCompletion {
  readonly label: string;
  readonly kind: 'key' | 'value';
  /** Text that replaces [replaceStart, replaceEnd). */
  readonly insertText: string;
  readonly replaceStart: number;
  readonly replaceEnd: number;
  /** One line shown next to the label: type and default. */
  readonly detail: string;
  /** Markdown documentation from the schema. */
  readonly documentation: string;
  /** True for the schema default among values. */
  readonly preselect?: boolean;
}

/** Markdown documentation of a schema node: description, default, range and, for enums, each value. */
export function documentNode(node: SchemaNode, path: readonly (string | number)[]): string {
  const parts = [node.description ?? ''];
  const facts: string[] = [];
  if (node.type)
    facts.push(`Type: \`${node.type === 'object' ? 'mapping' : node.type === 'array' ? 'list' : node.type}\``);
  if (node.default !== undefined) facts.push(`Default: \`${JSON.stringify(node.default)}\``);
  const range = describeRange(node);
  if (range) facts.push(`Range: \`${range}\``);
  if (facts.length) parts.push(facts.join(' · '));
  if (node.enum) {
    parts.push(
      node.enum
        .map((value, i) => `- \`${String(value)}\`${node.enumDescriptions?.[i] ? `: ${node.enumDescriptions[i]}` : ''}`)
        .join('\n'),
    );
  }
  if (path.join('.') === 'optimization.level') {
    for (const level of ['basic', 'advanced', 'ultra'] as const)
      parts.push(`**${level}** expands to:\n\`\`\`yaml\n${describeLevel(level)}\n\`\`\``);
  }
  return parts.filter(Boolean).join('\n\n');
}

function detailOf(node: SchemaNode): string {
  const type = node.enum
    ? 'enum'
    : node.type === 'object'
      ? 'mapping'
      : node.type === 'array'
        ? 'list'
        : (node.type ?? 'value');
  return node.default !== undefined ? `${type} = ${JSON.stringify(node.default)}` : type;
}

/** Keys already present in the mapping at `path`, when the text parses that far. */
function existingKeys(text: string, path: readonly (string | number)[]): Set<string> {
  try {
    const doc = parseDocument(text, { uniqueKeys: false });
    const map: Node | undefined = path.length === 0 ? (doc.contents as Node) : locate(doc, path).value;
    if (!isMap(map)) return new Set();
    return new Set(map.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : '')));
  } catch {
    return new Set();
  }
}

/** Completion proposals at `offset`: keys of the enclosing mapping, or values of the key being typed. */
export function completeConfig(text: string, offset: number): ConfigCompletion[] {
  const context = cursorContext(text, offset);
  const replaceEnd = offset + (/^[\w.-]*/.exec(text.slice(offset))?.[0].length ?? 0);
  if (context.position === 'value' && context.key) {
    const node = schemaAt([...context.parentPath, context.key]);
    if (!node) return [];
    const values: unknown[] = node.enum
      ? [...node.enum]
      : node.type === 'boolean'
        ? [true, false]
        : node.default !== undefined
          ? [node.default]
          : node.const !== undefined
            ? [node.const]
            : [];
    return values.map((value) => {
      const index = node.enum?.indexOf(value) ?? -1;
      const text = String(value);
      const docs =
        index >= 0 && node.enumDescriptions?.[index] ? node.enumDescriptions[index] : (node.description ?? '');
      const levelDoc =
        [...context.parentPath, context.key].join('.') === 'optimization.level' && text !== 'custom'
          ? `\n\n\`\`\`yaml\n${describeLevel(text as 'basic')}\n\`\`\``
          : '';
      return {
        label: text,
        kind: 'value',
        insertText: text,
        replaceStart: context.prefixStart,
        replaceEnd,
        detail: value === node.default ? 'default' : detailOf(node),
        documentation: `${docs}${levelDoc}`,
        ...(value === node.default ? { preselect: true } : {}),
      };
    });
  }
  const parent = schemaAt(context.parentPath);
  if (!parent?.properties) return [];
  const present = existingKeys(text, context.parentPath);
  const childIndent = ' '.repeat(context.indent + 2);
  return Object.entries(parent.properties)
    .filter(([key]) => !present.has(key) || key === context.prefix)
    .map(([key, node]) => ({
      label: key,
      kind: 'key' as const,
      insertText: node.type === 'object' ? `${key}:\n${childIndent}` : `${key}: ${placeholder(node)}`,
      replaceStart: context.prefixStart,
      replaceEnd,
      detail: detailOf(node),
      documentation: documentNode(node, [...context.parentPath, key]),
    }));
}
