import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { bigConfig } from '../../bench/validate.bench';
import { fastParse } from './fastYaml';
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
