import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { renderWebviewHtml } from '../../src/webviewShell/html';
import type { HostToWebviewMessage, WebviewToHostMessage } from '../../src/protocol/webview';
import { THEMES, type ThemeName } from './themes';

const DIST_WEBVIEW = join(__dirname, '..', '..', 'dist', 'webview');

/** A panel bundle loaded in a real browser page, with VS Code's webview API replaced by a recorder. */
export interface PanelHarness {
  /** Messages the panel posted to the "host", in order. */
  posted(): Promise<WebviewToHostMessage[]>;
  /** Delivers a host message the way VS Code does (a window `message` event). */
  send(message: HostToWebviewMessage): Promise<void>;
  /** Content-Security-Policy violations and page errors seen so far. */
  readonly problems: string[];
  dispose(): void;
}

/**
 * Opens `dist/webview/<bundle>.js` (or `<bundleDir>/<bundle>.js`) in `page` through the same HTML and CSP the
 * extension uses, with a theme's CSS variables applied. Only `acquireVsCodeApi` is replaced: there is no VS Code
 * host in a plain browser.
 */
export async function openPanel(
  page: Page,
  bundle: string,
  theme: ThemeName = 'dark',
  bundleDir: string = DIST_WEBVIEW,
): Promise<PanelHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'trainlens-webview-'));
  const asset = (file: string) => pathToFileURL(join(bundleDir, file)).href;
  const html = renderWebviewHtml({
    title: `TrainLens test: ${bundle}`,
    cspSource: 'file:',
    scriptUri: asset(`${bundle}.js`),
    styleUri: asset(`${bundle}.css`),
    nonce: 'test-nonce-0123456789',
  });
  const file = join(dir, 'index.html');
  writeFileSync(file, html);

  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  // Plain JavaScript text: functions passed to the page must not carry the test transpiler's helpers.
  await page.addInitScript(`(() => {
    const posted = [];
    let state;
    window.__posted = posted;
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => posted.push(message),
      getState: () => state,
      setState: (next) => { state = next; },
    });
    // VS Code sets the theme variables on the root element; CSSOM writes are allowed by the panel's CSP.
    const variables = ${JSON.stringify(THEMES[theme])};
    const apply = () => {
      for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
    };
    if (document.documentElement) apply();
    else document.addEventListener('readystatechange', apply, { once: true });
  })();`);
  await page.goto(pathToFileURL(file).href);

  return {
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewToHostMessage[] }).__posted.slice()),
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    problems,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
