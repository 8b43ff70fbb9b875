import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateConfigText } from '../../src/config/validate';

const FIXTURES = join(__dirname, '..', 'fixtures', 'configs');

for (const file of readdirSync(join(FIXTURES, 'broken')).sort()) {
  test(`broken/${file}: exactly the expected problems, at their line:column`, () => {
    const path = join(FIXTURES, 'broken', file);
    const text = readFileSync(path, 'utf8');
    const expected = [...text.matchAll(/^# expect: (\S+) (\d+):(\d+)$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`);
    assert.ok(expected.length > 0, 'the fixture names its expectations');
    const result = validateConfigText(text, {
      configPath: path,
      fileExists: existsSync,
      availableMemoryBytes: 64 * 1024 ** 3,
    });
    const actual = result.diagnostics
      .filter((d) => d.severity !== 'info')
      .map((d) => `${d.code} ${d.range.start.line}:${d.range.start.column}`);
    assert.deepEqual(actual.sort(), expected.sort());
    for (const d of result.diagnostics) assert.ok(d.message.length > 20, `${d.code} has a real message`);
  });
}

/** Hostile inputs: each must give a clear diagnostic quickly, never throw or hang. */
const hostile: Array<[string, () => string, string]> = [
  ['empty file', () => '', 'yaml/empty'],
  ['not YAML', () => readFileSync(join(FIXTURES, 'hostile', 'not-yaml.yaml'), 'utf8'), 'yaml/syntax'],
  ['binary junk', () => readFileSync(join(FIXTURES, 'hostile', 'binary.yaml'), 'latin1'), 'yaml/binary'],
  ['10 MB file', () => `version: 1\n${'# padding line for a very large file\n'.repeat(280_000)}`, 'yaml/too-large'],
  [
    '10,000-deep flow nesting',
    () => readFileSync(join(FIXTURES, 'hostile', 'deep-flow.yaml'), 'utf8'),
    'yaml/too-deep',
  ],
  [
    '1,000-deep block nesting',
    () => Array.from({ length: 1000 }, (_, i) => `${' '.repeat(2 * i)}k${i}:\n`).join(''),
    'yaml/too-deep',
  ],
  ['alias bomb', () => readFileSync(join(FIXTURES, 'hostile', 'alias-bomb.yaml'), 'utf8'), 'yaml/alias-bomb'],
  ['wrong types everywhere', () => readFileSync(join(FIXTURES, 'hostile', 'wrong-types.yaml'), 'utf8'), 'schema/type'],
  [
    'a mapping where a list belongs',
    () => readFileSync(join(FIXTURES, 'hostile', 'mapping-for-list.yaml'), 'utf8'),
    'schema/type',
  ],
];

for (const [name, make, code] of hostile) {
  test(`hostile input: ${name} → ${code} within 1 s`, () => {
    const text = make();
    const started = performance.now();
    const result = validateConfigText(text);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
    const codes = result.diagnostics.map((d) => d.code);
    assert.ok(codes.includes(code), `got ${codes.join(', ')}`);
    for (const d of result.diagnostics) {
      assert.ok(d.range.start.line >= 1 && d.range.start.column >= 1);
      assert.ok(d.message.length > 20);
    }
  });
}

test('wrong types everywhere: every section is reported at its own line', () => {
  const text = readFileSync(join(FIXTURES, 'hostile', 'wrong-types.yaml'), 'utf8');
  const lines = validateConfigText(text).diagnostics.map((d) => `${d.path}@${d.range.start.line}`);
  for (const expected of [
    'version@1',
    'model@2',
    'data@3',
    'training@4',
    'optimization@5',
    'monitoring@6',
    'engine@7',
    'tuning@8',
  ]) {
    assert.ok(lines.includes(expected), `${expected} in ${lines.join(', ')}`);
  }
});

test('every example validates clean', () => {
  const examples = join(__dirname, '..', '..', 'examples');
  for (const file of readdirSync(examples).filter((f) => f.endsWith('.yaml'))) {
    const path = join(examples, file);
    const result = validateConfigText(readFileSync(path, 'utf8'), { configPath: path, fileExists: existsSync });
    assert.deepEqual(
      result.diagnostics
        .filter((d) => d.severity !== 'info')
        .map((d) => `${d.code} ${d.range.start.line}: ${d.message}`),
      [],
      file,
    );
  }
});
