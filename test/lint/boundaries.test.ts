import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

// The layer boundaries are lint rules (eslint.config.mjs). This test lints real files of the project with one
// forbidden import added and proves each boundary fails the lint, so a loosened rule cannot pass unnoticed.
const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

/** The no-restricted-imports messages ESLint reports for `file` with `line` added at its top. */
async function restricted(file: string, line: string): Promise<string[]> {
  const text = `${line}\n${readFileSync(join(root, file), 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath: join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('only the engine imports engine-process internals', async () => {
  for (const file of [
    'src/cli/program.ts',
    'src/tuner/trial.ts',
    'src/analysis/analyze.ts',
    'src/extension/output.ts',
  ]) {
    const depth = file.split('/').length - 2;
    const messages = await restricted(file, `import '${'../'.repeat(depth)}engine/run/runStore';`);
    assert.equal(messages.length, 1, file);
    assert.match(messages[0]!, /src\/engine is the engine process/);
  }
  // The client and the protocol are the way in; the engine's own files import each other freely.
  assert.deepEqual(await restricted('src/cli/program.ts', "import '../engineClient/engineClient';"), []);
  assert.deepEqual(await restricted('src/cli/program.ts', "import '../protocol/engine';"), []);
  assert.deepEqual(await restricted('src/engine/server.ts', "import './run/runStore';"), []);
});

test('vscode only in the extension, Node built-ins not in webviews, protocol or common', async () => {
  assert.match((await restricted('src/engine/server.ts', "import 'vscode';"))[0] ?? '', /Only src\/extension/);
  assert.match((await restricted('src/cli/program.ts', "import 'vscode';"))[0] ?? '', /Only src\/extension/);
  assert.match((await restricted('webview/shared/format.ts', "import 'node:fs';"))[0] ?? '', /browser/);
  assert.match((await restricted('src/protocol/runRecord.ts', "import 'node:fs';"))[0] ?? '', /webviews/);
  assert.match((await restricted('src/common/stats.ts', "import '../config/types';"))[0] ?? '', /imports nothing/);
  assert.deepEqual(await restricted('src/extension/output.ts', "import 'vscode';"), []);
});
