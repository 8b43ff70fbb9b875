import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { applyTextEdits, ConfigEditError, setConfigValueEdits } from './edit';

const QUICKSTART = readFileSync(join(__dirname, '..', '..', 'examples', 'quickstart.yaml'), 'utf8');

type Value = string | number | boolean | null;

/** The data of a YAML text, which must parse without errors. */
function dataOf(text: string): unknown {
  const doc = parseDocument(text);
  assert.deepEqual(
    doc.errors.map((e) => e.message),
    [],
    `should parse:\n${text}`,
  );
  return doc.toJS() as unknown;
}

/** `data` with `path` set to `value`, creating mappings on the way (a copy). */
function withValue(data: unknown, path: string, value: Value): unknown {
  const root = structuredClone(data ?? {}) as Record<string, unknown>;
  const keys = path.split('.');
  let node = root;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (next !== null && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
  return root;
}

/**
 * Round-trip check: sets `path` to `value`, re-parses the result with the yaml package and asserts that the value at
 * the path is the new value and that every other value is unchanged. Returns the edited text.
 */
function setAndCheck(text: string, path: string, value: Value): string {
  const before = dataOf(text);
  const out = applyTextEdits(text, setConfigValueEdits(text, path, value));
  const after = dataOf(out);
  assert.deepEqual(parseDocument(out).getIn(path.split('.')), value, `value at ${path}`);
  assert.deepEqual(after, withValue(before, path, value), 'other values unchanged');
  return out;
}

/** Asserts that setting `path` throws a ConfigEditError whose message matches `pattern`. */
function assertRefused(text: string, path: string, pattern: RegExp): void {
  assert.throws(
    () => setConfigValueEdits(text, path, 1),
    (error: unknown) => {
      assert.ok(error instanceof ConfigEditError, 'a ConfigEditError');
      assert.match(error.message, pattern);
      return true;
    },
  );
}

test('replaces only the scalar of an existing block-style key, keeping its comment', () => {
  const text = 'data:\n  source: synthetic\n  prefetch: 2  # comment\n  shuffle: true\n';
  const edits = setConfigValueEdits(text, 'data.prefetch', 4);
  assert.deepEqual(edits, [{ start: text.indexOf('2  #'), end: text.indexOf('2  #') + 1, newText: '4' }]);
  assert.equal(
    setAndCheck(text, 'data.prefetch', 4),
    'data:\n  source: synthetic\n  prefetch: 4  # comment\n  shuffle: true\n',
  );
});

test('replaces only the scalar inside a flow mapping', () => {
  const text = 'data: { source: synthetic, batch_size: 16 }\n';
  assert.equal(setAndCheck(text, 'data.batch_size', 64), 'data: { source: synthetic, batch_size: 64 }\n');
  assert.equal(setAndCheck(text, 'data.source', 'csv'), 'data: { source: csv, batch_size: 16 }\n');
  assert.equal(setAndCheck('data: {batch_size: 16}\n', 'data.batch_size', 8), 'data: {batch_size: 8}\n');
});

test('replaces a quoted scalar in its quote style, and a block scalar by a one-line value', () => {
  assert.equal(setAndCheck("a: 'x'  # c\n", 'a', 'y'), "a: 'y'  # c\n");
  assert.equal(setAndCheck('a: "x"\n', 'a', 'true'), 'a: "true"\n');
  assert.equal(setAndCheck('a: "16"\n', 'a', 16), 'a: 16\n');
  assert.equal(setAndCheck('a: |\n  x\n  y\nb: 1\n', 'a', 3), 'a: 3\nb: 1\n');
  assert.deepEqual(setConfigValueEdits('a: 3\n', 'a', 3), [], 'nothing to change');
});

test('sets a key written with no value, after its colon', () => {
  assert.equal(setAndCheck('data:\n  prefetch:\n  seed: 1\n', 'data.prefetch', 2), 'data:\n  prefetch: 2\n  seed: 1\n');
  assert.equal(setAndCheck('data:\n  prefetch: # how many\n', 'data.prefetch', 2), 'data:\n  prefetch: 2 # how many\n');
  assert.equal(setAndCheck('data: { prefetch: , seed: 1 }\n', 'data.prefetch', 2), 'data: { prefetch: 2 , seed: 1 }\n');
  assert.equal(setAndCheck('data: { prefetch }\n', 'data.prefetch', 2), 'data: { prefetch: 2 }\n');
  assert.equal(setAndCheck('data: {split: ~}\n', 'data.split.train', 0.8), 'data: {split: {train: 0.8}}\n');
  assert.equal(setAndCheck('data: { split: }\n', 'data.split.train', 0.8), 'data: { split: { train: 0.8 } }\n');
});

test('inserts a missing key after the last entry of a block parent and its children, at the same indentation', () => {
  const text =
    'data:\n  source: synthetic\n  columns:\n    - a\n    - b\n  split:\n    train: 0.8 # most\n\n# trailing note\ntraining:\n  epochs: 2\n';
  assert.equal(
    setAndCheck(text, 'data.prefetch', 2),
    'data:\n  source: synthetic\n  columns:\n    - a\n    - b\n  split:\n    train: 0.8 # most\n  prefetch: 2\n\n# trailing note\ntraining:\n  epochs: 2\n',
  );
  assert.equal(
    setAndCheck('training:\n    epochs: 2\n', 'training.clip_norm', 1),
    'training:\n    epochs: 2\n    clip_norm: 1\n',
  );
  assert.equal(setAndCheck('a: 1\nb:\n  c: 2', 'b.d', 3), 'a: 1\nb:\n  c: 2\n  d: 3', 'last line without a line break');
  assert.equal(
    setAndCheck('data:\n  columns:\n    - name: a\n      type: int\nengine: {}\n', 'data.prefetch', 2),
    'data:\n  columns:\n    - name: a\n      type: int\n  prefetch: 2\nengine: {}\n',
  );
});

test('fills an empty block parent: a child line under `key:`, `{ key: value }` in `{}`', () => {
  assert.equal(setAndCheck('training:\n', 'training.clip_norm', 1), 'training:\n  clip_norm: 1\n');
  assert.equal(setAndCheck('training:', 'training.clip_norm', 1), 'training:\n  clip_norm: 1');
  assert.equal(
    setAndCheck('training: # later\nengine:\n  backend: auto\n', 'training.clip_norm', 1),
    'training: # later\n  clip_norm: 1\nengine:\n  backend: auto\n',
  );
  assert.equal(setAndCheck('training: null  # z\n', 'training.clip_norm', 1), 'training:  # z\n  clip_norm: 1\n');
  assert.equal(setAndCheck('training: {}\n', 'training.clip_norm', 1), 'training: { clip_norm: 1 }\n');
  assert.equal(setAndCheck('training: { }\n', 'training.clip_norm', 1), 'training: { clip_norm: 1 }\n');
  assert.equal(
    setAndCheck('model:\n    preset: mlp\ntraining:\n', 'training.clip_norm', 1),
    'model:\n    preset: mlp\ntraining:\n    clip_norm: 1\n',
    "children are indented by the document's own step",
  );
});

test('inserts a missing key into a flow parent, keeping its spacing style', () => {
  assert.equal(
    setAndCheck('data: { source: synthetic, batch_size: 16 }\n', 'data.prefetch', 2),
    'data: { source: synthetic, batch_size: 16, prefetch: 2 }\n',
  );
  assert.equal(
    setAndCheck('data: {source: synthetic}\n', 'data.prefetch', 2),
    'data: {source: synthetic, prefetch: 2}\n',
  );
  assert.equal(
    setAndCheck('data: { source: synthetic, }\n', 'data.prefetch', 2),
    'data: { source: synthetic, prefetch: 2, }\n',
  );
  assert.equal(
    setAndCheck('data: {\n  source: synthetic,\n  seed: 1\n}\n', 'data.prefetch', 2),
    'data: {\n  source: synthetic,\n  seed: 1,\n  prefetch: 2\n}\n',
  );
  assert.equal(setAndCheck('{ version: 1 }', 'seed', 3), '{ version: 1, seed: 3 }');
});

test('creates missing intermediate mappings, as block lines or as a nested flow mapping', () => {
  assert.equal(
    setAndCheck('monitoring:\n  log_every: 20\nengine:\n  backend: auto\n', 'monitoring.checkpoints.every', 5),
    'monitoring:\n  log_every: 20\n  checkpoints:\n    every: 5\nengine:\n  backend: auto\n',
  );
  assert.equal(
    setAndCheck('monitoring: { log_every: 20 }\n', 'monitoring.checkpoints.every', 5),
    'monitoring: { log_every: 20, checkpoints: { every: 5 } }\n',
  );
  assert.equal(
    setAndCheck('monitoring: {}\n', 'monitoring.checkpoints.every', 5),
    'monitoring: { checkpoints: { every: 5 } }\n',
  );
  assert.equal(
    setAndCheck('monitoring:\n', 'monitoring.checkpoints.every', 5),
    'monitoring:\n  checkpoints:\n    every: 5\n',
  );
});

test('appends a missing top-level section at the end of the document', () => {
  const text = 'version: 1\nmodel:\n  preset: mlp\n\n# the end\n';
  assert.equal(setAndCheck(text, 'data.prefetch', 2), `${text}data:\n  prefetch: 2\n`);
  assert.equal(setAndCheck('version: 1', 'data.prefetch', 2), 'version: 1\ndata:\n  prefetch: 2\n');
  assert.equal(setAndCheck('version: 1\n', 'seed', 7), 'version: 1\nseed: 7\n');
  assert.equal(
    setAndCheck('version: 1\n', 'monitoring.checkpoints.every', 5),
    'version: 1\nmonitoring:\n  checkpoints:\n    every: 5\n',
  );
  assert.equal(setAndCheck('', 'data.prefetch', 2), 'data:\n  prefetch: 2\n');
  assert.equal(setAndCheck('# just a comment', 'data.prefetch', 2), '# just a comment\ndata:\n  prefetch: 2\n');
  assert.equal(setAndCheck('version: 1\n...\n', 'seed', 7), 'version: 1\nseed: 7\n...\n', 'before the document end');
});

test('writes values as YAML scalars, quoting strings YAML would read as something else', () => {
  const cases: Array<[Value, string]> = [
    [2, '2'],
    [0.001, '0.001'],
    [-1.5, '-1.5'],
    [true, 'true'],
    [false, 'false'],
    [null, 'null'],
    ['synthetic', 'synthetic'],
    ['hello world', 'hello world'],
    ['true', "'true'"],
    ['null', "'null'"],
    ['1.5', "'1.5'"],
    ['16', "'16'"],
    ['a: b', "'a: b'"],
    ['a #b', "'a #b'"],
    ['', "''"],
    ['- x', "'- x'"],
    ['line\nbreak', '"line\\nbreak"'],
  ];
  for (const [value, written] of cases) {
    assert.equal(setAndCheck('a: x # c\n', 'a', value), `a: ${written} # c\n`, JSON.stringify(value));
  }
  // In a flow mapping, flow indicators need quotes too.
  assert.equal(setAndCheck('a: { b: x }\n', 'a.b', 'p, q'), "a: { b: 'p, q' }\n");
  assert.equal(setAndCheck('a: { b: x }\n', 'a.c', '[x]'), "a: { b: x, c: '[x]' }\n");
  // Keys are written by the same rules.
  assert.equal(setAndCheck('a: 1\n', 'b.true', 1), "a: 1\nb:\n  'true': 1\n");
});

test('refuses a path that holds a mapping or a sequence: the fix sets a single value', () => {
  assertRefused(QUICKSTART, 'training.optimizer', /training\.optimizer: it holds a mapping.*sets a single value/);
  assertRefused(QUICKSTART, 'model.hidden', /model\.hidden: it holds a sequence.*sets a single value/);
  assertRefused('data:\n  columns:\n    - a\n', 'data.columns', /holds a sequence/);
  assertRefused(QUICKSTART, 'model.hidden.size', /model\.hidden holds a sequence, not a mapping/);
  assertRefused(QUICKSTART, 'version.major', /version holds the single value 1, not a mapping/);
  assertRefused('base: &b { x: 1 }\ndata: *b\n', 'data.x', /data is an alias/);
  assertRefused('- a\n- b\n', 'data.prefetch', /the document is a sequence/);
  assertRefused('a: 1\n', 'a..b', /not a config path/);
  assertRefused('a: 1\n', '', /not a config path/);
});

test('refuses text that is not valid YAML, naming the line and column of the first error', () => {
  assertRefused('version: 1\ndata:\n  prefetch: [1, 2\n', 'data.prefetch', /not valid YAML \(line \d+, column \d+: /);
  assertRefused('a: 1\nb: c: d\n', 'a', /line 2, column 4: Nested mappings are not allowed/);
  assertRefused('a: 1\nb: 2\na: 3\n', 'a', /line 3, column 1: Map keys must be unique/);
  assertRefused('a:\n\tb: 1\n', 'a.b', /not valid YAML \(line 2, column 1/);
});

test('keeps CRLF line endings in inserted lines', () => {
  const text = 'version: 1\r\ndata:\r\n  source: synthetic\r\n';
  const cases: Array<[string, string]> = [
    ['data.prefetch', 'version: 1\r\ndata:\r\n  source: synthetic\r\n  prefetch: 2\r\n'],
    ['data.split.train', 'version: 1\r\ndata:\r\n  source: synthetic\r\n  split:\r\n    train: 2\r\n'],
    ['training.clip_norm', 'version: 1\r\ndata:\r\n  source: synthetic\r\ntraining:\r\n  clip_norm: 2\r\n'],
    ['data.source', 'version: 1\r\ndata:\r\n  source: 2\r\n'],
  ];
  for (const [path, expected] of cases) {
    const out = setAndCheck(text, path, 2);
    assert.equal(out, expected, path);
    assert.doesNotMatch(out, /[^\r]\n/, 'no bare LF');
  }
  assert.equal(
    setAndCheck('training:\r\nengine: {}\r\n', 'training.clip_norm', 1),
    'training:\r\n  clip_norm: 1\r\nengine: {}\r\n',
  );
  assert.equal(setAndCheck('version: 1\r\n', 'data.prefetch', 2), 'version: 1\r\ndata:\r\n  prefetch: 2\r\n');
  assert.equal(
    setAndCheck('a: {\r\n  b: 1\r\n}\r\n', 'a.c', 2),
    'a: {\r\n  b: 1,\r\n  c: 2\r\n}\r\n',
    'a multi-line flow mapping',
  );
});

test('edits examples/quickstart.yaml: data.prefetch, monitoring.log_every, training.clip_norm, data.batch_size', () => {
  const lines = QUICKSTART.split('\n');
  const replaced = (from: string, to: string) => {
    const index = lines.indexOf(from);
    assert.ok(index >= 0, from);
    return [...lines.slice(0, index), to, ...lines.slice(index + 1)].join('\n');
  };
  assert.equal(setAndCheck(QUICKSTART, 'data.prefetch', 2), replaced('  prefetch: 0', '  prefetch: 2'));
  assert.equal(setAndCheck(QUICKSTART, 'monitoring.log_every', 50), replaced('  log_every: 20', '  log_every: 50'));
  assert.equal(setAndCheck(QUICKSTART, 'data.batch_size', 64), replaced('  batch_size: 32', '  batch_size: 64'));
  assert.equal(
    setAndCheck(QUICKSTART, 'training.clip_norm', 1),
    QUICKSTART.replace('  seed: 42\n\noptimization:', '  seed: 42\n  clip_norm: 1\n\noptimization:'),
  );
  const edits = setConfigValueEdits(QUICKSTART, 'training.clip_norm', 1);
  assert.deepEqual(edits, [
    {
      start: QUICKSTART.indexOf('\noptimization:'),
      end: QUICKSTART.indexOf('\noptimization:'),
      newText: '  clip_norm: 1\n',
    },
  ]);
  // Several fixes at once: the edits of each, applied together, in any order.
  const all = [
    ...setConfigValueEdits(QUICKSTART, 'training.clip_norm', 1),
    ...setConfigValueEdits(QUICKSTART, 'data.prefetch', 2),
    ...setConfigValueEdits(QUICKSTART, 'monitoring.checkpoints.every', 100),
  ];
  const out = applyTextEdits(QUICKSTART, all);
  const expected = withValue(
    withValue(withValue(dataOf(QUICKSTART), 'training.clip_norm', 1), 'data.prefetch', 2),
    'monitoring.checkpoints.every',
    100,
  );
  assert.deepEqual(dataOf(out), expected);
  assert.equal(applyTextEdits(QUICKSTART, [...all].reverse()), out);
});

test('applyTextEdits applies non-overlapping edits in any order and refuses overlapping ones', () => {
  const edits = [
    { start: 0, end: 1, newText: 'A' },
    { start: 4, end: 4, newText: '+' },
    { start: 2, end: 3, newText: 'C' },
  ];
  assert.equal(applyTextEdits('abcd', edits), 'AbCd+');
  assert.equal(applyTextEdits('abcd', [...edits].reverse()), 'AbCd+');
  assert.equal(applyTextEdits('abcd', []), 'abcd');
  assert.equal(
    applyTextEdits('ab', [
      { start: 1, end: 1, newText: 'x' },
      { start: 1, end: 1, newText: 'y' },
    ]),
    'axyb',
    'insertions at one offset keep their order',
  );
  assert.throws(
    () =>
      applyTextEdits('abcd', [
        { start: 0, end: 2, newText: '' },
        { start: 1, end: 3, newText: '' },
      ]),
    RangeError,
  );
  assert.throws(() => applyTextEdits('ab', [{ start: 1, end: 5, newText: '' }]), RangeError);
});
