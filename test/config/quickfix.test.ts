import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TextEdit } from '../../src/config/diagnostic';
import { validateConfigText } from '../../src/config/validate';

const BROKEN = join(__dirname, '..', 'fixtures', 'configs', 'broken');

/** Applies edits (non-overlapping) from the last to the first. */
function apply(text: string, edits: readonly TextEdit[]): string {
  return [...edits]
    .sort((a, b) => b.start - a.start)
    .reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);
}

for (const file of readdirSync(BROKEN).sort()) {
  test(`broken/${file}: every preferred quick fix removes its problem and adds no error`, () => {
    const path = join(BROKEN, file);
    const text = readFileSync(path, 'utf8');
    const env = { configPath: path, fileExists: existsSync, availableMemoryBytes: 64 * 1024 ** 3 };
    const before = validateConfigText(text, env).diagnostics;
    for (const diagnostic of before) {
      const fix = diagnostic.fixes?.find((f) => f.preferred);
      if (!fix) continue;
      const fixed = apply(text, fix.edits);
      const after = validateConfigText(fixed, env).diagnostics;
      const same = after.filter((d) => d.code === diagnostic.code && d.path === diagnostic.path);
      assert.deepEqual(
        same.map((d) => d.message),
        [],
        `${fix.title} (${diagnostic.code} at ${diagnostic.path})`,
      );
      const beforeErrors = before.filter((d) => d.severity === 'error').length;
      assert.ok(after.filter((d) => d.severity === 'error').length <= beforeErrors, `${fix.title} adds no error`);
    }
  });
}
