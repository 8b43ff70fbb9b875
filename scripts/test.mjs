// The test command (`npm test`, which .ci/run calls): prepares what the tests need, builds, checks types, lint and
// formatting, packages the .vsix, then runs every test file with node's built-in test runner.
//   node scripts/test.mjs              everything (CI)
//   node scripts/test.mjs --only unit  unit tests only (src/ and webview/), no setup or packaging
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex > 0 ? process.argv[onlyIndex + 1] : undefined;
const timings = [];

function step(name, command, args, env = {}) {
  const started = Date.now();
  process.stdout.write(`\n== ${name}: ${[command, ...args].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = (Date.now() - started) / 1000;
  timings.push(`${name} ${seconds.toFixed(1)} s`);
  if (result.status !== 0) {
    process.stderr.write(
      `\ntest: step "${name}" failed (exit ${result.status ?? result.signal}); see its output above.\n`,
    );
    process.exit(result.status || 1);
  }
}

/** Test files: `*.test.ts` beside the code and under test/, except the suites that need a downloaded VS Code. */
function testFiles(folders) {
  const files = [];
  for (const folder of folders) {
    for (const entry of readdirSync(join(root, folder), { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath ?? entry.path, entry.name);
      const rel = relative(root, path);
      if (!entry.isFile() || !entry.name.endsWith('.test.ts')) continue;
      if (rel.includes('node_modules') || rel.startsWith(join('test', 'electron'))) continue;
      files.push(rel);
    }
  }
  return files.sort();
}

const node = process.execPath;
const npx = (bin) => join(root, 'node_modules', '.bin', bin);
if (!only) step('setup', node, ['scripts/setupTestEnv.mjs']);
step('build', node, ['scripts/build.mjs']);
if (!only) {
  step('typecheck', npx('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  step('typecheck webview', npx('tsc'), ['-p', 'webview/tsconfig.json', '--noEmit']);
  step('typecheck tests', npx('tsc'), ['-p', 'test/tsconfig.json', '--noEmit']);
  step('lint', npx('eslint'), ['--max-warnings', '0', '.']);
  step('format', npx('prettier'), ['--check', '.']);
  step('package', node, ['scripts/package.mjs', '--target', 'linux-x64']);
}
const folders = only === 'unit' ? ['src', 'webview'] : ['src', 'webview', 'test'];
step('tests', node, ['--import', 'tsx', '--test', '--test-concurrency=1', ...testFiles(folders)]);
process.stdout.write(`\nTimings: ${timings.join(', ')}\n`);
