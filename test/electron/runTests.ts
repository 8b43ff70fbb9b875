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
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`test-electron: ${message}\n`);
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo/.test(message)) {
    process.stderr.write(
      'test-electron: this runner downloads VS Code from update.code.visualstudio.com, which this machine cannot ' +
        'reach. Without that access, `npm test` runs the extension in code-server (test/e2e) instead.\n',
    );
  }
  process.exit(1);
});
