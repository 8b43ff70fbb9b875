/**
 * Non-finite numbers (`.inf`, `-.inf`, `.nan` in YAML). JSON has no such numbers, so ajv's `number` type refuses
 * them and its error shows the value as JSON does: "null". This check runs before ajv and says what the value is;
 * the schema's errors at the same places are dropped in favour of it.
 */
import { formatPath, type ConfigDiagnostic } from '../diagnostic';
import { schemaAt, type SchemaNode } from '../schema';
import { locate, nodeSpan, rangeOf, type ConfigSource } from '../source';

/** The diagnostics, and the places they are about as ajv names them (JSON pointers, e.g. `/training/epochs`). */
export interface NonFiniteNumbers {
  readonly diagnostics: readonly ConfigDiagnostic[];
  readonly pointers: ReadonlySet<string>;
}

/** A number to suggest for the value at a place: the schema's default or example, else a bound, else 1. */
function exampleNumber(schema: SchemaNode | undefined): number {
  for (const candidate of [schema?.default, schema?.examples?.[0], schema?.minimum, schema?.maximum])
    if (typeof candidate === 'number' && Number.isFinite(candidate)) return candidate;
  return 1;
}

/** Every path of `data` (mappings and lists, depth first) that holds a non-finite number. */
function nonFinitePaths(data: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  if (typeof data === 'number') {
    if (!Number.isFinite(data)) out.push([...path]);
  } else if (Array.isArray(data)) {
    data.forEach((item, index) => nonFinitePaths(item, [...path, index], out));
  } else if (data !== null && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) nonFinitePaths(value, [...path, key], out);
  }
  return out;
}

/** ajv's instance path of a config path. */
function pointerOf(path: readonly (string | number)[]): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Finds the non-finite numbers in parsed config data, each reported on its value with the text written and a
 * finite number to write instead (a quick fix sets it).
 */
export function findNonFiniteNumbers(source: ConfigSource, data: unknown): NonFiniteNumbers {
  const diagnostics: ConfigDiagnostic[] = [];
  const pointers = new Set<string>();
  for (const path of nonFinitePaths(data)) {
    const node = locate(source.doc, path).value;
    if (!node) continue;
    const [start, end] = nodeSpan(node);
    const written = source.text.slice(start, end);
    const example = String(exampleNumber(schemaAt(path)));
    const name = formatPath(path) || 'the config';
    pointers.add(pointerOf(path));
    diagnostics.push({
      severity: 'error',
      code: 'schema/not-finite',
      message: `${name}: \`${written}\` is not a finite number: write a number such as ${example}.`,
      path: formatPath(path),
      range: rangeOf(source, start, end),
      fixes: [{ title: `Set ${name} to ${example}`, edits: [{ start, end, newText: example }], preferred: true }],
    });
  }
  return { diagnostics, pointers };
}
