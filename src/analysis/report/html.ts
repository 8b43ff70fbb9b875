import { randomBytes } from 'node:crypto';
import type { CompareView, ProfileView } from '../../protocol/profileView';
import { THEMES } from './themes';

/** The profile panel's built bundle: its script and its stylesheet. */
export interface WebviewBundle {
  readonly script: string;
  readonly style: string;
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

function themeCss(theme: Readonly<Record<string, string>>): string {
  return Object.entries(theme)
    .map(([name, value]) => `${name}: ${value};`)
    .join(' ');
}

/** The view without its large parts (memory curves, timeline spans), and those parts by name. */
function splitHeavy(view: ProfileView | CompareView): { core: object; heavy: Record<string, unknown> } {
  if (view.kind !== 'profile') return { core: view, heavy: {} };
  const { memory, timeline, ...core } = view;
  return { core, heavy: { ...(memory ? { memory } : {}), ...(timeline ? { timeline } : {}) } };
}

/**
 * The standalone HTML report: one self-contained file with the profile panel's own bundle and the view's data, so
 * it opens offline in any browser and shows the same five views as the panel (or the compare view). The page has a
 * strict Content-Security-Policy: no network at all, and only its own inline script and styles (by nonce) run.
 */
export function renderReportHtml(view: ProfileView | CompareView, bundle: WebviewBundle): string {
  const nonce = randomBytes(16).toString('base64url');
  // The curves and spans go after the script, each in its own block: the page shows the Overview while the browser
  // is still reading them, and each is parsed only when its view opens.
  const { core, heavy } = splitHeavy(view);
  const title =
    view.kind === 'compare' ? `TrainLens: ${view.before.title} → ${view.after.title}` : `TrainLens: ${view.title}`;
  const csp = [
    "default-src 'none'",
    'img-src data:',
    'font-src data:',
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const style = [
    `:root { ${themeCss(THEMES.dark)} }`,
    `@media (prefers-color-scheme: light) { :root { ${themeCss(THEMES.light)} } }`,
    bundle.style,
  ].join('\n');
  // A literal "</script" inside the bundle would end the element early; "<\/" means the same in JavaScript.
  const script = bundle.script.replace(/<\/(script)/gi, '<\\/$1');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <meta property="csp-nonce" content="${nonce}">
  <meta name="generator" content="TrainLens">
  <title>${escapeHtml(title)}</title>
  <style nonce="${nonce}">
${style}
  </style>
</head>
<body>
  <main id="app" aria-live="polite"><p class="placeholder">Loading…</p></main>
  <script type="application/json" id="trainlens-data">${scriptJson({ view: core, lazy: Object.keys(heavy) })}</script>
  <script nonce="${nonce}">
${script}
  </script>
${Object.entries(heavy)
  .map(([key, value]) => `  <script type="application/json" id="trainlens-data-${key}">${scriptJson(value)}</script>`)
  .join('\n')}
</body>
</html>
`;
}
