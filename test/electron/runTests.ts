/**
 * The @vscode/test-electron suite, for machines that can download VS Code (users, other CI): runs the extension
 * tests in the minimum VS Code of `engines.vscode` and in the current stable. Our own machines cannot download
 * VS Code, so `npm test` uses code-server instead (test/e2e); run this one with `npm run test:electron`.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';

const ROOT = join(__dirname, '..', '..');
const SUITE = join(ROOT, 'out', 'test-electron', 'index.js');

async function main(): Promise<void> {
  await build({
    entryPoints: [join(__dirname, 'suite', 'index.ts')],
    outfile: SUITE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  });
  for (const version of ['1.100.0', 'stable']) {
    process.stdout.write(`test-electron: VS Code ${version}\n`);
    await runTests({
      version,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: SUITE,
      launchArgs: [join(ROOT, 'examples'), '--disable-extensions', '--disable-workspace-trust'],
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`test-electron: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
