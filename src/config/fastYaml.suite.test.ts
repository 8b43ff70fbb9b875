// The yaml-test-suite's single-document cases (vendored in test/fixtures/yaml-test-suite with their license): on
// each, the fast config reader either declines (the caller then uses the yaml package) or agrees with the yaml path
// exactly: data, every diagnostic and every node range.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fastParse } from './fastYaml';
import { disagreement } from './fastYaml.compare';

interface SuiteCase {
  readonly id: string;
  readonly name: string;
  readonly fail: boolean;
  readonly yaml: string;
}

const FOLDER = join(__dirname, '..', '..', 'test', 'fixtures', 'yaml-test-suite');

test('yaml-test-suite single-document cases: the fast reader declines or agrees with the yaml path', () => {
  const cases = JSON.parse(readFileSync(join(FOLDER, 'cases.json'), 'utf8')) as SuiteCase[];
  assert.ok(cases.length >= 300, `expected the vendored cases, found ${cases.length}`);
  const failures: string[] = [];
  let read = 0;
  for (const suiteCase of cases) {
    const fast = fastParse(suiteCase.yaml);
    if (!fast) continue;
    read++;
    // An invalid document must never be read by the fast path: yaml reports an error there.
    if (suiteCase.fail) failures.push(`${suiteCase.id} (${suiteCase.name}): invalid YAML read by the fast path`);
    const problem = disagreement(suiteCase.yaml);
    if (problem)
      failures.push(`${suiteCase.id} (${suiteCase.name}): ${problem}\n  input: ${JSON.stringify(suiteCase.yaml)}`);
  }
  process.stdout.write(`# yaml-test-suite: ${cases.length} cases, ${read} read by the fast path\n`);
  assert.equal(failures.length, 0, failures.join('\n'));
});
