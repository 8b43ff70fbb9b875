import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completeConfig } from './completion';
import { hoverConfig } from './hover';

const marked = (s: string) => ({ text: s.replace('|', ''), offset: s.indexOf('|') });

test('completes keys of the enclosing section with docs and defaults, skipping keys already there', () => {
  const { text, offset } = marked('version: 1\ndata:\n  source: synthetic\n  bat|\n');
  const items = completeConfig(text, offset);
  const batch = items.find((i) => i.label === 'batch_size');
  assert.ok(batch);
  assert.equal(batch.insertText, 'batch_size: 32');
  assert.match(batch.documentation, /Samples per step/);
  assert.match(batch.documentation, /Range: `1 ≤ value ≤ 65536`/);
  assert.equal(text.slice(batch.replaceStart, batch.replaceEnd), 'bat');
  assert.equal(
    items.some((i) => i.label === 'source'),
    false,
  );
});

test('completes enum values with their descriptions; the default is preselected', () => {
  const { text, offset } = marked('optimization:\n  level: |\n');
  const items = completeConfig(text, offset);
  assert.deepEqual(
    items.map((i) => i.label),
    ['basic', 'advanced', 'ultra', 'custom'],
  );
  assert.equal(items[0]?.preselect, true);
  assert.match(items[1]!.documentation, /prefetch: 2/);
});

test('a section key inserts a nested block', () => {
  const { text, offset } = marked('version: 1\nmoni|\n');
  assert.equal(completeConfig(text, offset).find((i) => i.label === 'monitoring')?.insertText, 'monitoring:\n  ');
});

test('hover on optimization.level shows what each level expands to; on a value, what that value sets', () => {
  const text = 'optimization:\n  level: ultra\n';
  const onKey = hoverConfig(text, text.indexOf('level') + 2)!;
  assert.match(onKey.markdown, /\*\*optimization\.level\*\*/);
  assert.match(onKey.markdown, /\*\*advanced\*\* expands to:\n```yaml\nprefetch: 2\nworkers: 2/);
  const onValue = hoverConfig(text, text.indexOf('ultra') + 1)!;
  assert.match(onValue.markdown, /optimization\.level: ultra/);
  assert.match(onValue.markdown, /activation_checkpointing: true/);
});

test('hover on a nested key shows description, default and range', () => {
  const text = 'data:\n  source: synthetic\n  prefetch: 2\n';
  const hover = hoverConfig(text, text.indexOf('prefetch') + 1)!;
  assert.match(hover.markdown, /\*\*data\.prefetch\*\*/);
  assert.match(hover.markdown, /Default: `0`/);
  assert.match(hover.markdown, /Range: `0 ≤ value ≤ 64`/);
  assert.equal(text.slice(hover.start, hover.end), 'prefetch');
});
