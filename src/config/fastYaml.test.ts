import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { bigConfig } from '../../bench/validate.bench';
import { fastParse } from './fastYaml';
import { disagreement } from './fastYaml.compare';
import { validateConfigText } from './validate';

const ROOT = join(__dirname, '..', '..');
const read = (...parts: string[]) => readFileSync(join(ROOT, ...parts), 'utf8');
const corpus: Array<[string, string]> = [
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f): [string, string] => [`examples/${f}`, read('examples', f)]),
  ...readdirSync(join(ROOT, 'test/fixtures/configs/broken')).map((f): [string, string] => [
    `broken/${f}`,
    read('test/fixtures/configs/broken', f),
  ]),
  ['warnings-only', read('test/fixtures/configs/warnings-only.yaml')],
  ['bench 5k lines', bigConfig()],
  [
    'scalars',
    "a: 1\nb: -2.5e3\nc: 0x1F\nd: 0o17\ne: .inf\nf: ~\ng:\nh: 'it''s'\ni: \"q\"\nj: true\nk: False\nl: [1, 'two', \"3\", 4.5, null]\nm: hello world\nn: []\n",
  ],
  [
    'sequences',
    'list:\n- a\n- b\nnested:\n  - name: x\n    size: 1\n  - name: y\n    size: [1, 2]\n  -\n    name: z\n',
  ],
];

for (const [name, text] of corpus) {
  test(`fast reader matches the yaml package on ${name}: same data, same diagnostics`, () => {
    const fast = fastParse(text);
    const reference = parseDocument(text, { uniqueKeys: false });
    if (!fast) {
      // Outside the subset (e.g. duplicate keys, tabs): the yaml package handles it; nothing to compare.
      assert.ok(
        /\t|^(\s*)(\S+):.*\n(?:.*\n)*?\1\2:/m.test(text) || reference.errors.length > 0,
        `${name} should be in the subset`,
      );
      return;
    }
    assert.deepEqual(fast.data, reference.toJS());
    assert.equal(disagreement(text), undefined);
    const strip = (r: ReturnType<typeof validateConfigText>) => r.diagnostics.map((d) => ({ ...d }));
    assert.deepEqual(
      strip(validateConfigText(text, {}, { parser: 'auto' })),
      strip(validateConfigText(text, {}, { parser: 'yaml' })),
    );
  });
}

test('falls back outside the subset', () => {
  for (const text of [
    'a: &x 1\nb: *x\n',
    'a: |\n  text\n',
    'a: {b: 1}\n',
    'a: "esc\\n"\n',
    'a: 1\na: 2\n',
    '- 1\n',
    'a:\n\tb: 1\n',
    'a: b: c\n',
    '---\na: 1\n',
    'a: [1,\n  2]\n',
    'a: multi\n  line\n',
  ]) {
    assert.equal(fastParse(text), undefined, JSON.stringify(text));
  }
});

/** Asserts that the fast reader declines `text` (so the yaml package reads it). */
const declines = (text: string) => assert.equal(fastParse(text), undefined, JSON.stringify(text));
/** Asserts that the fast reader reads `text` exactly as the yaml path does, and returns its tree. */
function agrees(text: string) {
  const fast = fastParse(text);
  assert.ok(fast, `${JSON.stringify(text)} should be read by the fast path`);
  assert.equal(disagreement(text), undefined, JSON.stringify(text));
  return fast.doc;
}
/** The range of the node at a path of keys (and indices) in a fast-read document. */
const rangeAt = (text: string, ...path: (string | number)[]) =>
  (agrees(text).getIn(path, true) as { range?: unknown } | undefined)?.range;

test('regression: a value starting with { is a flow mapping, not a string: the fast reader declines', () => {
  for (const text of ['loss: {}\n', 'level: {\n', 'a: {b: 1}\n', 'a:\n  - {}\n', 'a: [{}]\n']) declines(text);
});

test('regression: the ? indicator (explicit keys, also inside flow lists) is left to yaml', () => {
  for (const text of ['a: [? a]\n', 'a: ? b\n', 'a: [a, ? b]\n', '? a\n: 1\n', 'a: ?x\n', 'a: [?x]\n']) declines(text);
});

test('regression: # right after [ or , (a comment yaml rejects) is left to yaml', () => {
  for (const text of ['a: [a,#b]\n', 'a: [#a]\n', 'a: [a, b,#c]\n', 'a: [a,# b]\n']) declines(text);
  assert.ok(parseDocument('a: [a,#b]\n').errors.length > 0);
});

test('regression: keys longer than 1024 characters (yaml refuses them) are left to yaml', () => {
  const key = (n: number) => 'k'.repeat(n);
  declines(`${key(1025)}: 1\n`);
  declines(`${key(1023)}  : 1\n`);
  declines(`a:\n  ${key(1030)}: 1\n`);
  // yaml measures from the end of the previous value here (the empty `e:`), so 1022 characters are already too many.
  declines(`l:\n  e:\n  ${key(1022)}  :\n`);
  assert.ok(agrees(`${key(1024)}: 1\n`));
  assert.ok(agrees(`a: 1\n${key(1000)}: 2\n`));
});

test('regression: a lone CR is left to yaml; CRLF line ends are read exactly', () => {
  for (const text of ['a: 1\rb: 2\n', 'a: 1\r', 'a: x\ry\n', 'a:\r  b: 1\n', 'a: 1\n# c\r\n\rb: 2\n']) declines(text);
  assert.deepEqual(rangeAt('a: 1\r\nb:\r\n  c: x  # c\r\n', 'b'), [12, 23, 23]);
  assert.deepEqual(rangeAt('a: 1\r\nb:\r\n  c: x  # c\r\n', 'a'), [3, 4, 6]);
  agrees('a: 1\r\n\r\n  # c\r\nb: [1, 2]\r\n');
});

test('regression: an empty value sits after the colon and the spaces that follow it, comment or not', () => {
  assert.deepEqual(rangeAt('a:   \nb: 1\n', 'a'), [5, 5, 5]);
  assert.deepEqual(rangeAt('a: # c\nb: 1\n', 'a'), [3, 3, 7]);
  assert.deepEqual(rangeAt('a:  #c\n  # d\n', 'a'), [4, 4, 13]);
  assert.deepEqual(rangeAt('a:\n# c\nb: 1\n', 'a'), [2, 2, 6]);
  assert.deepEqual(rangeAt('x:\n  a:\n    # c\n  b: 1', 'x', 'a'), [7, 7, 18]);
  // The diagnostic on such a value (the schema wants a mapping) lands on the same column through both paths.
  agrees('version: 1\nmodel:    # to do\ndata:\n');
});

test('regression: block collections end where yaml ends them (line break and kept comment lines included)', () => {
  assert.deepEqual(agrees('a: 1\nb: 2\n').contents?.range, [0, 10, 10]);
  assert.deepEqual(rangeAt('a:\n  b: 1\nc: 2\n', 'a'), [5, 10, 10]);
  assert.deepEqual(rangeAt('a:\n  b: 1\n  # c\nc: 2\n', 'a'), [5, 10, 16]);
  assert.deepEqual(rangeAt('a:\n  b: 1\n# c\nc: 2\n', 'a'), [5, 10, 10]);
  assert.deepEqual(rangeAt('a:\n  - x\n  # c\n  - y\n  # d\nb: 1', 'a'), [5, 21, 27]);
  assert.deepEqual(rangeAt('a: 1\n\n   # c\nb: 2', 'a'), [3, 4, 13]);
  assert.deepEqual(rangeAt('a: [a , b ]  # c\n  # d\nb: 1', 'a'), [3, 11, 23]);
  assert.deepEqual(rangeAt('a: [a , b ]\n', 'a', 0), [4, 5, 6]);
  // Schema diagnostics on a whole section (wrong type, unknown key) carry these ranges: both paths give the same.
  agrees(read('examples', 'quickstart.yaml').replace('training:', 'training:\n  bogus: 1'));
  agrees('version: 1\nmodel:\n  - 1\n  - 2\n# end\n');
});
