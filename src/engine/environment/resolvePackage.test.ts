import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolvePackage } from './resolvePackage';

test('finds a real installed package and its version', () => {
  const result = resolvePackage('vscode-jsonrpc', __dirname);
  assert.equal(result.found, true);
  if (result.found) assert.match(result.version, /^\d+\.\d+\.\d+/);
});

test('prefers the user-configured folder over the engine folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlens-resolve-'));
  try {
    const pkgDir = join(dir, 'node_modules', 'vscode-jsonrpc');
    mkdirSync(pkgDir, { recursive: true });
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: 'vscode-jsonrpc', version: '0.0.1-user' }));
    const result = resolvePackage('vscode-jsonrpc', __dirname, [dir]);
    assert.deepEqual(result, { found: true, version: '0.0.1-user', resolvedFrom: pkgDir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('says where it looked when a package is missing', () => {
  const result = resolvePackage('@tensorflow/tfjs-node-gpu-does-not-exist', __dirname, ['/opt/ml']);
  assert.equal(result.found, false);
  if (!result.found) {
    assert.match(result.reason, /not installed/);
    assert.match(result.reason, /\/opt\/ml/);
  }
});
