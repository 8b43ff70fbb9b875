/**
 * The one HTML shell of every TrainLens page: the panels VS Code hosts and the standalone report the CLI writes.
 * Pure string building (no `vscode` import) so the CLI, the extension and the browser tests render exactly the same
 * markup and Content-Security-Policy.
 *
 * Both kinds forbid everything by default (`default-src 'none'`) and run only scripts carrying the page's nonce. They
 * differ in where the bundle comes from: a panel loads its files from the extension's webview origin
 * (`webview.cspSource`); the standalone report carries its bundle inline and may load nothing at all.
 */
import { THEMES } from './themes';

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

/** What a standalone page needs: its bundle inline, and the data it shows in JSON blocks. */
export interface StandaloneHtmlOptions {
  readonly title: string;
  readonly script: string;
  readonly style: string;
  /** JSON blocks read before the script runs, by element id. */
  readonly data: Readonly<Record<string, unknown>>;
  /** JSON blocks placed after the script (the page shows itself while the browser still reads them), by id. */
  readonly lateData?: Readonly<Record<string, unknown>>;
}

/** Returns a random nonce for the CSP (base64url of 16 random bytes). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url');
}

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** JSON that is safe inside a <script> element: no `</script>`, no HTML comment openers, no JS line breaks. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const themeCss = (theme: Readonly<Record<string, string>>): string =>
  Object.entries(theme)
    .map(([name, value]) => `${name}: ${value};`)
    .join(' ');

const jsonBlocks = (blocks: Readonly<Record<string, unknown>>): string[] =>
  Object.entries(blocks).map(
    ([id, value]) => `  <script type="application/json" id="${escapeHtml(id)}">${scriptJson(value)}</script>`,
  );

/**
 * The policy of a page. `origin` is where a panel's files come from; without one (the standalone report) nothing
 * may be loaded and only data: images and fonts are allowed. Styles need the nonce too: the toolkit (FAST) creates
 * a few <style> elements at run time and reads the nonce from the `csp-nonce` meta element, so no `unsafe-inline`.
 */
function contentSecurityPolicy(nonce: string, origin: string | undefined): string {
  const from = origin ? `${origin} ` : '';
  return [
    "default-src 'none'",
    `img-src ${from}data:`,
    `style-src ${from}'nonce-${nonce}'`,
    `font-src ${origin ?? 'data:'}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The parts that differ between a panel and a standalone page; everything else is the shell's. */
interface ShellParts {
  readonly title: string;
  readonly nonce: string;
  readonly origin: string | undefined;
  readonly head: readonly string[];
  readonly body: readonly string[];
}

function renderShell(parts: ShellParts): string {
  const nonce = escapeHtml(parts.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(parts.nonce, parts.origin))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <meta property="csp-nonce" content="${nonce}">
  <title>${escapeHtml(parts.title)}</title>
${parts.head.join('\n')}
</head>
<body>
  <main id="app" aria-live="polite"><p class="placeholder">Loading…</p></main>
${parts.body.join('\n')}
</body>
</html>
`;
}

/** Builds a panel document: no remote resources, scripts only with the nonce, the rest from the extension's files. */
export function renderWebviewHtml(options: WebviewHtmlOptions): string {
  const nonce = escapeHtml(options.nonce);
  return renderShell({
    title: options.title,
    nonce: options.nonce,
    origin: options.cspSource,
    head: [`  <link rel="stylesheet" href="${escapeHtml(options.styleUri)}">`],
    body: [`  <script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>`],
  });
}

/**
 * Builds a self-contained page that opens offline in any browser: the bundle inline under a fresh nonce, no network
 * at all, and the VS Code theme variables a webview would get (dark, or light when the browser prefers it).
 */
export function renderStandaloneHtml(options: StandaloneHtmlOptions): string {
  const nonce = createNonce();
  const style = [
    `:root { ${themeCss(THEMES.dark)} }`,
    `@media (prefers-color-scheme: light) { :root { ${themeCss(THEMES.light)} } }`,
    options.style,
  ].join('\n');
  // A literal "</script" inside the bundle would end the element early; "<\/" means the same in JavaScript.
  const script = options.script.replace(/<\/(script)/gi, '<\\/$1');
  return renderShell({
    title: options.title,
    nonce,
    origin: undefined,
    head: ['  <meta name="generator" content="TrainLens">', `  <style nonce="${nonce}">\n${style}\n  </style>`],
    body: [
      ...jsonBlocks(options.data),
      `  <script nonce="${nonce}">\n${script}\n  </script>`,
      ...jsonBlocks(options.lateData ?? {}),
    ],
  });
}
