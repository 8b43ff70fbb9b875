import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { applyTextEdits, setConfigValueEdits } from '../../src/config/edit';
import { launchBrowser } from '../support/browser';
import { startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';

const ROOT = join(__dirname, '..', '..');
/** The packaged extension every E2E test installs (`npm run package` writes it; `npm test` runs that first). */
export const VSIX = join(ROOT, 'out', 'trainlens-linux-x64.vsix');
const RESULTS = join(ROOT, 'test-results');

/** A code-server with the packaged extension and a browser page on its workbench. */
export interface Workbench {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
  /** Saves a screenshot as test-results/e2e-NAME.png. */
  shot(name: string): Promise<void>;
  /** Runs a command from the palette by its title, reopening the palette until the command is listed. */
  runCommand(title: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts code-server with the packaged extension and `files` in the workspace, opens the workbench in Chromium and
 * waits until the explorer lists `waitForFile`.
 */
export async function openWorkbench(
  files: Record<string, string | Uint8Array>,
  waitForFile: string,
  options: Pick<CodeServerOptions, 'workspaceTrust'> = {},
): Promise<Workbench> {
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run "npm run package" first (npm test does).`);
  const server = await startCodeServer({ extensions: [VSIX], files, ...options });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('.explorer-folders-view').getByText(waitForFile).waitFor({ timeout: 60_000 });

  const runCommand = async (title: string, timeoutMs = 60_000): Promise<void> => {
    // The palette lists only commands of extensions the remote extension host has scanned, which can take a few
    // seconds after the workbench shows; reopen it until the command is listed.
    const deadline = Date.now() + timeoutMs;
    const input = page.locator('.quick-input-widget input');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    for (;;) {
      await page.keyboard.press('F1');
      await input.waitFor();
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ timeout: 3000 });
        break;
      } catch (error) {
        await page.keyboard.press('Escape');
        if (Date.now() > deadline) throw error;
      }
    }
    await page.keyboard.press('Enter');
  };

  return {
    server,
    browser,
    page,
    runCommand,
    shot: async (name) => {
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, `e2e-${name}.png`) });
    },
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/** examples/quickstart.yaml with some values set (dotted path → value), comments and layout kept. */
export function quickstartWith(values: ReadonlyArray<readonly [string, number | string]>): string {
  let text = readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8');
  for (const [path, value] of values) text = applyTextEdits(text, setConfigValueEdits(text, path, value));
  return text;
}
