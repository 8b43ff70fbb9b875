import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as engine from './engine';

// docs/protocol.md mirrors the protocol files; these tests keep the two in sync.
const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'protocol.md'), 'utf8');
const section = (title: string) => doc.split(/^## /m).find((s) => s.startsWith(title)) ?? '';
const documented = (text: string) => new Set([...text.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]));

test('every engine message is documented, with who sends it, and nothing else is', () => {
  const methods = Object.values(engine as Record<string, unknown>)
    .filter((value): value is { method: string } => typeof value === 'object' && value !== null && 'method' in value)
    .map((value) => value.method);
  assert.ok(methods.length >= 10);
  assert.deepEqual(documented(section('Engine')), new Set(methods));

  // Each namespace's JSDoc names its sender, and the doc's "sent by" column agrees.
  const source = readFileSync(join(__dirname, 'engine.ts'), 'utf8');
  for (const match of source.matchAll(
    /\/\*\* Sent by the (host|engine)[^*]*\*\/\nexport namespace \w+ \{\n {2}export const method = '([^']+)'/g,
  )) {
    const [, sender, method] = match;
    assert.match(
      doc,
      new RegExp(`\\|\\s*\`${method}\`\\s*\\|\\s*\\w+\\s*\\|\\s*${sender}\\s*\\|`),
      `${method} sent by ${sender}`,
    );
  }
  assert.equal(
    [...source.matchAll(/\/\*\* Sent by the (host|engine)/g)].length,
    methods.length,
    'every message names its sender',
  );
});

test('every webview message type is documented, and nothing else is', () => {
  const source = readFileSync(join(__dirname, 'webview.ts'), 'utf8');
  const types = new Set([...source.matchAll(/readonly type: '([^']+)'/g)].map((m) => m[1]));
  assert.deepEqual(documented(section('Extension host ↔ webview')), types);
});

test('every run record field is documented, and nothing else is', () => {
  const source = readFileSync(join(__dirname, 'runRecord.ts'), 'utf8');
  const body = /export interface RunRecord \{([\s\S]*?)\n\}/.exec(source)![1]!;
  const fields = new Set([...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((m) => m[1]));
  assert.ok(fields.size >= 15);
  assert.deepEqual(documented(section('Run record')), fields);
});
