// Packages the extension for one platform: `node scripts/package.mjs --target linux-x64`.
// The .vsix is platform-specific because onnxruntime-node ships native binaries per platform; `.vscodeignore`
// names the linux-x64 folder, and this script rewrites that folder for other targets.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const targetIndex = process.argv.indexOf('--target');
const target = targetIndex > 0 ? process.argv[targetIndex + 1] : `${process.platform}-${process.arch}`;
const supported = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
if (!supported.includes(target)) {
  process.stderr.write(`package: unknown --target "${target}"; use one of ${supported.join(', ')}.\n`);
  process.exit(2);
}
const [platform, arch] = target.split('-');
const out = join(root, 'out');
mkdirSync(out, { recursive: true });

const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').replace(
  'onnxruntime-node/bin/napi-v6/linux/x64/',
  `onnxruntime-node/bin/napi-v6/${platform}/${arch}/`,
);
const ignoreFile = join(out, `.vscodeignore-${target}`);
writeFileSync(ignoreFile, ignore);

const vsix = join(out, `trainlens-${target}.vsix`);
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', vsix], {
  cwd: root,
  stdio: 'inherit',
});
const mib = statSync(vsix).size / 1024 / 1024;
process.stdout.write(`package: ${vsix} (${mib.toFixed(1)} MiB)\n`);
