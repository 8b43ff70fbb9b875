import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { assertMayStartProcess, UNTRUSTED_EXPLANATION, UntrustedWorkspaceError } from './trust';

test('no process starts in an untrusted workspace; trust is asked at every start', () => {
  let trusted = false;
  assert.throws(
    () => assertMayStartProcess(() => trusted),
    (error: unknown) => error instanceof UntrustedWorkspaceError && error.message === UNTRUSTED_EXPLANATION,
  );
  assert.match(UNTRUSTED_EXPLANATION, /Trust the workspace/);
  trusted = true;
  assertMayStartProcess(() => trusted);
});

/** Every TypeScript source of src/extension (tests left out). */
function extensionSources(dir = __dirname): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? extensionSources(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

test('every engine the extension starts goes through the one gate in EngineService.launchOptions', () => {
  const service = readFileSync(join(__dirname, 'engineService.ts'), 'utf8');
  const launch = service.slice(service.indexOf('launchOptions(): EngineLaunchOptions {'));
  assert.match(launch.split('\n')[1]!, /assertMayStartProcess\(\(\) => vscode\.workspace\.isTrusted\)/);
  assert.match(service.slice(service.indexOf('private async start()')), /this\.launchOptions\(\)/);
  for (const file of extensionSources()) {
    const name = relative(__dirname, file);
    const text = readFileSync(file, 'utf8');
    // Nothing else launches processes: no child_process, no engine client started directly...
    assert.doesNotMatch(text, /child_process/, name);
    if (name !== 'engineService.ts') assert.doesNotMatch(text, /EngineClient\.start\(/, name);
    // ...and the tuner's trial engines are launched with the gated options.
    if (/\btune\(\{/.test(text)) assert.match(text, /\.\.\.services\.engine\.launchOptions\(\)/, name);
  }
});
