/**
 * The HTML shell of every TrainLens webview. Pure string building (no `vscode` import) so the browser tests render
 * panels through exactly the same markup and Content-Security-Policy as VS Code does.
 */

/** What a panel's HTML needs: where its bundle lives and what the webview allows. */
export interface WebviewHtmlOptions {
  readonly title: string;
  /** `webview.cspSource` in VS Code; the origin of the bundle files in tests. */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** A fresh random value per render; only scripts carrying it run. */
  readonly nonce: string;
}

/** Returns a random nonce for the CSP (base64url of 16 random bytes). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url');
}

const escapeAttr = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Builds the panel document: no remote resources, scripts only with the nonce, styles and fonts only from the
 * extension's own files. The toolkit (FAST) creates a few <style> elements at run time; it reads the nonce from the
 * `csp-nonce` meta element, so those carry the nonce too and no `unsafe-inline` is needed.
 */
export function renderWebviewHtml(options: WebviewHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `img-src ${options.cspSource} data:`,
    `style-src ${options.cspSource} 'nonce-${options.nonce}'`,
    `font-src ${options.cspSource}`,
    `script-src 'nonce-${options.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <meta property="csp-nonce" content="${escapeAttr(options.nonce)}">
  <link rel="stylesheet" href="${escapeAttr(options.styleUri)}">
  <title>${escapeAttr(options.title)}</title>
</head>
<body>
  <main id="app" aria-live="polite"><p class="placeholder">Loading…</p></main>
  <script nonce="${escapeAttr(options.nonce)}" src="${escapeAttr(options.scriptUri)}"></script>
</body>
</html>
`;
}
