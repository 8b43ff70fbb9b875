// Builds every bundle with esbuild: the extension host, the engine child, the CLI and one bundle per webview.
// Type checking is separate (`npm run typecheck`) so bundling stays fast in watch mode.
import { context, build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const require = createRequire(import.meta.url);

/** Packages that are never bundled: VS Code's API, and native addons resolved at run time. */
const nodeExternals = ['vscode', 'onnxruntime-node', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'linked',
};

const nodeBundles = [
  { entryPoints: { extension: 'src/extension/extension.ts' } },
  { entryPoints: { engine: 'src/engine/main.ts' } },
  { entryPoints: { cli: 'src/cli/main.ts' } },
  // Data workers run this file in worker threads; it copies batch rows and imports nothing heavy.
  { entryPoints: { batchWorker: 'src/engine/data/batchWorker.ts' } },
].map((options) => ({
  ...common,
  ...options,
  outdir: dist,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: nodeExternals,
}));

/** One browser bundle per panel; each imports only src/protocol types and browser libraries. */
const webviewBundle = {
  ...common,
  entryPoints: {
    environment: 'webview/environment/main.ts',
    profile: 'webview/profile/main.ts',
    run: 'webview/run/main.ts',
    tune: 'webview/tune/main.ts',
    onnx: 'webview/onnx/main.ts',
  },
  outdir: join(dist, 'webview'),
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  loader: { '.css': 'css' },
};

/** The wasm backend loads its binaries from the engine's folder at run time. */
function copyWasmBinaries() {
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  for (const file of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    copyFileSync(join(wasmDir, file), join(dist, file));
  }
}

process.chdir(root);
const all = [...nodeBundles, webviewBundle];
if (watch) {
  mkdirSync(dist, { recursive: true });
  copyWasmBinaries();
  const contexts = await Promise.all(all.map((options) => context(options)));
  await Promise.all(contexts.map((ctx) => ctx.watch()));
  process.stdout.write('esbuild: watching for changes\n');
} else {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  copyWasmBinaries();
  await Promise.all(all.map((options) => build(options)));
}
