import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderConfigDocs } from './docs';

test('docs/config.md is generated from the current schema (run "npm run docs:config" after changing it)', () => {
  const onDisk = readFileSync(join(__dirname, '..', '..', 'docs', 'config.md'), 'utf8');
  assert.equal(onDisk, renderConfigDocs());
});

test('the reference documents every key, with levels expanded', () => {
  const docs = renderConfigDocs();
  for (const key of [
    '`batch_size`',
    '`gradient_accumulation`',
    '`level`',
    '`memory_limit_mb`',
    '`keep_effective_batch`',
  ])
    assert.ok(docs.includes(key), key);
  assert.match(docs, /### ultra\n\n```yaml\nprefetch: 4/);
});
