import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { extensionTestsUrl, startCodeServer, type CodeServer } from './codeServer';

// The @vscode/test-electron suite (test/electron/suite) needs a downloaded VS Code, which these machines cannot
// fetch; here the same suite runs inside code-server's VS Code 1.100.3 instead, through the workbench's
// extension-tests payload, so its tests are exercised on every `npm test`.
const ROOT = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'trainlens-suite-'));
let server: CodeServer | undefined;
let browser: Browser | undefined;

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

test('the test-electron suite passes in code-server (VS Code 1.100.3)', { timeout: 180_000 }, async () => {
  const suite = join(scratch, 'suite', 'index.js');
  await build({
    entryPoints: [join(ROOT, 'test', 'electron', 'suite', 'index.ts')],
    outfile: suite,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  // The development extension is the repository itself (dist/ is built by npm test before the tests).
  server = await startCodeServer({ extensions: [], files: { 'README.md': '# TrainLens suite workspace\n' } });
  browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const lines: string[] = [];
  page.on('console', (message) => {
    const text = message.text().replace(/^%c\s*\w+\s+color: #\w+\s*/, '');
    if (/^(ok|not ok) - |\d+ passed, \d+ failed/.test(text)) lines.push(text);
  });
  const exit = new Promise<number>((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
  });
  await page.goto(extensionTestsUrl(server, ROOT, suite));
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    exit,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the suite did not finish:\n${lines.join('\n')}`)), 150_000);
    }),
  ]).finally(() => clearTimeout(timer));
  assert.equal(code, 0, `the suite failed:\n${lines.join('\n')}\n${server.output().slice(-1500)}`);
  assert.ok(
    lines.some((line) => /^\d+ passed, 0 failed/.test(line)),
    `suite summary missing:\n${lines.join('\n')}`,
  );
});
