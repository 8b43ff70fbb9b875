import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { findNonFiniteNumbers } from './semantic/nonFinite';
import { isMap, isScalar, type Node } from 'yaml';
import { formatPath, type ConfigDiagnostic, type QuickFix, type SourceRange } from './diagnostic';
import { suggest } from './didYouMean';
import { CONFIG_SCHEMA, describeRange, schemaAt, type SchemaNode } from './schema';
import { locate, nodeSpan, rangeOf, type ConfigSource, type Located } from './source';

let compiled: ReturnType<Ajv2020['compile']> | undefined;

/** The compiled validator; compiled once per process (a few milliseconds). */
function validator(): ReturnType<Ajv2020['compile']> {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    // VS Code's annotation for per-value enum documentation; ajv only needs to know the keyword exists.
    ajv.addKeyword({ keyword: 'enumDescriptions', schemaType: 'array' });
    compiled = ajv.compile(CONFIG_SCHEMA);
  }
  return compiled;
}

/** Splits an ajv instance path (`/training/optimizer/name`) into keys and indices. */
function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const show = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

/**
 * Validates parsed config data against the JSON Schema (draft 2020-12) and places each error on the exact key or
 * value in the YAML, with a stable code, a message that names the fix, and quick fixes where one is obvious.
 */
export function validateAgainstSchema(source: ConfigSource, data: unknown): ConfigDiagnostic[] {
  const validate = validator();
  // `.inf` and `.nan` are said for what they are; ajv's errors at those places would call them "null".
  const nonFinite = findNonFiniteNumbers(source, data);
  if (validate(data)) return [...nonFinite.diagnostics];
  const diagnostics: ConfigDiagnostic[] = [...nonFinite.diagnostics];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    if (nonFinite.pointers.has(error.instancePath)) continue;
    const diagnostic = toDiagnostic(source, error);
    const id = `${diagnostic.code}|${diagnostic.range.start.offset}|${diagnostic.message}`;
    if (!seen.has(id)) diagnostics.push(diagnostic);
    seen.add(id);
  }
  return diagnostics;
}

/** What every keyword's diagnostic starts from: the error, where it is in the YAML, and the schema there. */
interface ErrorSite {
  readonly source: ConfigSource;
  readonly error: ErrorObject;
  readonly path: (string | number)[];
  readonly where: Located;
  /** The node the error is about: the value, else its key, else the deepest collection reached. */
  readonly target: Node;
  readonly span: [number, number];
  /** The path as the message names it. */
  readonly name: string;
  readonly schema: SchemaNode | undefined;
}

function siteOf(source: ConfigSource, error: ErrorObject): ErrorSite {
  const path = pathOf(error.instancePath);
  const where = locate(source.doc, path);
  const target = where.value ?? where.key ?? where.parent ?? (source.doc.contents as Node);
  return {
    source,
    error,
    path,
    where,
    target,
    span: nodeSpan(target),
    name: formatPath(path) || 'the config',
    schema: schemaAt(path),
  };
}

/** The range of `node`, the error's target by default. */
function rangeAt(site: ErrorSite, node: Node | undefined = site.target): SourceRange {
  return rangeOf(site.source, ...nodeSpan(node ?? site.target));
}

/** A fix that replaces the target's text. */
function replaceValue(site: ErrorSite, newText: string, title: string, preferred = false): QuickFix {
  return {
    title,
    edits: [{ start: site.span[0], end: site.span[1], newText }],
    ...(preferred ? { preferred } : {}),
  };
}

function toDiagnostic(source: ConfigSource, error: ErrorObject): ConfigDiagnostic {
  const site = siteOf(source, error);
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownKey(site);
    case 'required':
      return missingKey(site);
    case 'enum':
      return notInEnum(site);
    case 'const':
      return notConst(site);
    case 'type':
      return wrongType(site);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return outOfRange(site);
    default:
      return {
        severity: 'error',
        code: `schema/${error.keyword}`,
        message: `${site.name} ${error.message ?? 'is invalid'}.`,
        path: formatPath(site.path),
        range: rangeAt(site),
      };
  }
}

/** `additionalProperties`: placed on the unknown key, with renames to the closest known keys. */
function unknownKey({ source, error, path, where, span, name, schema }: ErrorSite): ConfigDiagnostic {
  const unknown = String((error.params as { additionalProperty: string }).additionalProperty);
  const keyNode = isMap(where.value)
    ? where.value.items.find((p) => isScalar(p.key) && String(p.key.value) === unknown)?.key
    : undefined;
  const known = Object.keys(schema?.properties ?? {});
  const suggestions = suggest(unknown, known);
  const keySpan = keyNode ? nodeSpan(keyNode as Node) : span;
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?`
      : ` Known keys: ${known.join(', ')}.`;
  return {
    severity: 'error',
    code: 'schema/unknown-key',
    message: `Unknown key "${unknown}" in ${name}.${hint}`,
    path: formatPath([...path, unknown]),
    range: rangeOf(source, ...keySpan),
    fixes: suggestions.map((s, i) => ({
      title: `Rename to "${s}"`,
      edits: [{ start: keySpan[0], end: keySpan[1], newText: s }],
      preferred: i === 0,
    })),
  };
}

/** `required`: placed on the mapping's key (else its first line), with a fix that adds every missing key. */
function missingKey(site: ErrorSite): ConfigDiagnostic {
  const { source, error, path, where, span, name, schema } = site;
  const missing = String((error.params as { missingProperty: string }).missingProperty);
  const keyRange = where.key
    ? rangeAt(site, where.key)
    : rangeOf(source, span[0], Math.min(span[1], source.text.indexOf('\n', span[0]) >>> 0));
  return {
    severity: 'error',
    code: 'schema/required',
    message: `${name} is missing the required key "${missing}".${describeProperty(schemaAt([...path, missing]))}`,
    path: formatPath(path),
    range: keyRange,
    fixes: [addMissingFix(source, where.value, path, schema?.required ?? [missing])].filter(
      (f): f is QuickFix => f !== undefined,
    ),
  };
}

/** `enum`: one fix per allowed value, the closest ones first. */
function notInEnum(site: ErrorSite): ConfigDiagnostic {
  const { error, path, target, name } = site;
  const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
  const actual = String(isScalar(target) ? target.value : '');
  const close = suggest(actual, allowed.map(String));
  const ordered = [...close, ...allowed.map(String).filter((v) => !close.includes(v))];
  return {
    severity: 'error',
    code: 'schema/enum',
    message: `${name} must be one of ${allowed.map(show).join(', ')}, not ${show(isScalar(target) ? target.value : actual)}.${close.length ? ` Did you mean ${show(close[0])}?` : ''}`,
    path: formatPath(path),
    range: rangeAt(site),
    fixes: ordered.map((v, i) => replaceValue(site, v, `Set ${name} to ${v}`, i === 0 && close.length > 0)),
  };
}

/** `const`: the one allowed value, as the preferred fix. */
function notConst(site: ErrorSite): ConfigDiagnostic {
  const { error, path, target, name, schema } = site;
  return {
    severity: 'error',
    code: 'schema/const',
    message: `${name} must be ${show((error.params as { allowedValue: unknown }).allowedValue)}, not ${show(isScalar(target) ? target.value : target)}.${describeProperty(schema)}`,
    path: formatPath(path),
    range: rangeAt(site),
    fixes: [
      replaceValue(
        site,
        String((error.params as { allowedValue: unknown }).allowedValue),
        `Set ${name} to ${String((error.params as { allowedValue: unknown }).allowedValue)}`,
        true,
      ),
    ],
  };
}

/** `type`: names the expected and actual kinds in YAML's words (mapping, list). */
function wrongType(site: ErrorSite): ConfigDiagnostic {
  const { error, path, target, name, schema } = site;
  const raw = (error.params as { type: string }).type;
  const expected = raw === 'object' ? 'mapping' : raw === 'array' ? 'list' : raw;
  const article = /^[aeiou]/.test(expected) ? 'an' : 'a';
  const actual = isScalar(target) ? show(target.value) : isMap(target) ? 'a mapping' : 'a list';
  return {
    severity: 'error',
    code: 'schema/type',
    message: `${name} must be ${article} ${expected}, not ${actual}.${describeProperty(schema)}`,
    path: formatPath(path),
    range: rangeAt(site),
  };
}

/** `minimum`, `maximum` and their exclusive forms: the allowed range, and a clamp fix for the inclusive bounds. */
function outOfRange(site: ErrorSite): ConfigDiagnostic {
  const { error, path, target, name, schema } = site;
  const { limit } = error.params as { limit: number };
  const integer = schema?.type === 'integer';
  const clamp = error.keyword === 'minimum' || error.keyword === 'maximum' ? limit : undefined;
  return {
    severity: 'error',
    code: 'schema/range',
    message: `${name} must be ${describeRange(schema ?? {}) ?? `${error.message ?? ''}`}; it is ${isScalar(target) ? String(target.value) : '?'}.`,
    path: formatPath(path),
    range: rangeAt(site),
    fixes:
      clamp !== undefined
        ? [replaceValue(site, String(integer ? Math.round(clamp) : clamp), `Clamp ${name} to ${clamp}`, true)]
        : [],
  };
}

function describeProperty(node: { description?: string } | undefined): string {
  return node?.description ? ` (${node.description})` : '';
}

/** Inserts every missing required key of a mapping, with its default or first example, after its last key. */
function addMissingFix(
  source: ConfigSource,
  map: Node | undefined,
  path: readonly (string | number)[],
  required: readonly string[],
): QuickFix | undefined {
  if (!isMap(map) || map.items.length === 0) return undefined;
  const present = new Set(map.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')));
  const missing = required.filter((k) => !present.has(k));
  if (missing.length === 0) return undefined;
  const firstKey = map.items[0]!.key as Node;
  const keyStart = nodeSpan(firstKey)[0];
  const indent = keyStart - (source.text.lastIndexOf('\n', keyStart - 1) + 1);
  // After the line where the mapping's last value ends (both parsers agree on that line).
  const lastPair = map.items[map.items.length - 1]!;
  const lastEnd = nodeSpan((lastPair.value as Node | null) ?? (lastPair.key as Node))[1];
  const newline = source.text.indexOf('\n', Math.max(0, lastEnd - 1));
  const lineEnd = newline < 0 ? source.text.length : newline + 1;
  const prefix = newline < 0 ? '\n' : '';
  const lines = missing.map((key) => `${' '.repeat(indent)}${key}: ${placeholder(schemaAt([...path, key]))}`);
  return {
    title: `Add missing ${missing.map((k) => `"${k}"`).join(', ')}`,
    edits: [{ start: lineEnd, end: lineEnd, newText: `${prefix}${lines.join('\n')}\n` }],
    preferred: true,
  };
}

/** The YAML text a new key starts with: its default, first example, or an empty mapping/list. */
export function placeholder(
  node: { default?: unknown; examples?: readonly unknown[]; type?: string; enum?: readonly unknown[] } | undefined,
): string {
  const value = node?.default ?? node?.examples?.[0] ?? node?.enum?.[0];
  if (value === undefined) return node?.type === 'array' ? '[]' : node?.type === 'object' ? '{}' : '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
