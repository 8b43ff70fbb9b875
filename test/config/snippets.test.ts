import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateConfigText } from '../../src/config/validate';

interface Snippet {
  prefix: string | string[];
  body: string[];
}
const snippets = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'snippets', 'trainlens.code-snippets'), 'utf8'),
) as Record<string, Snippet>;

/** A snippet body as VS Code inserts it when the user accepts every default (first choice of each list). */
function expand(body: readonly string[]): string {
  return body
    .join('\n')
    .replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '')
    .replace(/\\\$/g, '$');
}

for (const [name, snippet] of Object.entries(snippets)) {
  const text = expand(snippet.body);
  if (!text.startsWith('# yaml-language-server')) continue; // sections, not whole configs
  test(`snippet "${name}" expands to a config without errors`, () => {
    const problems = validateConfigText(text, { configPath: '/project/new.trainlens.yaml', fileExists: () => true })
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.code} ${d.range.start.line}: ${d.message}`);
    assert.deepEqual(problems, []);
  });
}

test('section snippets expand to valid sections of a config', () => {
  const base = expand(snippets['TrainLens quickstart config']!.body);
  const tuning = expand(snippets['TrainLens tuning section']!.body);
  const problems = validateConfigText(`${base}\n${tuning}\n`).diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(problems, []);
});
