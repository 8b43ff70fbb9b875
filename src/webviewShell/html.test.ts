import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNonce, renderStandaloneHtml, renderWebviewHtml } from './html';

test('the CSP allows only the nonce script and the extension origin, nothing remote', () => {
  const html = renderWebviewHtml({
    title: 'Environment',
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/environment.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/environment.css',
    nonce: 'abc123',
  });
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.match(csp, /style-src \S+ 'nonce-abc123'/);
  assert.match(html, /<meta property="csp-nonce" content="abc123">/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.match(html, /<script nonce="abc123" src="https:\/\/file\+\.vscode-resource[^"]+environment\.js">/);
});

test('nonces are fresh and URL-safe', () => {
  const a = createNonce();
  const b = createNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9_-]{22}$/);
});

test('attribute values are escaped', () => {
  const html = renderWebviewHtml({ title: '<x>', cspSource: 's', scriptUri: 'a"b', styleUri: 'c', nonce: 'n' });
  assert.match(html, /<title>&lt;x&gt;<\/title>/);
  assert.match(html, /src="a&quot;b"/);
});

test('the standalone page loads nothing: its bundle is inline under a fresh nonce and its data cannot end a block', () => {
  const html = renderStandaloneHtml({
    title: 'Report',
    script: 'console.log("</script>")',
    style: 'main { color: red; }',
    data: { 'trainlens-data': { name: '</script><script>alert(1)</script>' } },
    lateData: { 'trainlens-data-memory': [1, 2] },
  });
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  const nonce = /<meta property="csp-nonce" content="([^"]+)">/.exec(html)?.[1] ?? '';
  assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(
    csp,
    `default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; font-src data:; script-src 'nonce-${nonce}'`,
  );
  assert.doesNotMatch(html, /<script[^>]+src=|<link/);
  assert.equal(html.match(/<\/script>/g)?.length, 3, 'only the three blocks end a script element');
  assert.ok(html.indexOf('id="trainlens-data"') < html.indexOf(`<script nonce="${nonce}">`));
  assert.ok(html.indexOf('id="trainlens-data-memory"') > html.indexOf(`<script nonce="${nonce}">`));
  assert.match(html, new RegExp(`<style nonce="${nonce}">\\n:root \\{ --vscode-font-family`));
});
