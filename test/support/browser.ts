import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; `npx playwright install` cannot download browsers on our machines. */
export const CHROMIUM_PATH = process.env['TRAINLENS_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium for the webview and VS Code tests. The networking flags matter: without them
 * Chromium keeps trying to reach Google's services, which a closed network refuses many times a second.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Run "node scripts/setupTestEnv.mjs" (as root it installs ` +
        "Debian's chromium package) or set TRAINLENS_CHROMIUM to a Chromium binary.",
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
