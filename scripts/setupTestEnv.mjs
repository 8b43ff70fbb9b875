// Installs what the test suite needs and is idempotent (a second run takes well under two seconds):
//   - Debian packages: chromium (webview and VS Code tests), ripgrep and libkrb5-dev (code-server), and the
//     g++/make/python3 toolchain that node-gyp needs if a machine lacks it;
//   - the ripgrep archive code-server's VS Code would otherwise download from a release host;
//   - code-server 4.100.3 in test/e2e/host (a real VS Code 1.100.3 for the end-to-end tests).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const hostDir = join(root, 'test', 'e2e', 'host');
const CODE_SERVER_VERSION = '4.100.3';
const log = (message) => process.stdout.write(`[setup] ${message}\n`);

/** Debian packages and the file that proves each is installed. */
const debianPackages = [
  { name: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { name: 'ripgrep', present: () => existsSync('/usr/bin/rg') },
  {
    name: 'libkrb5-dev',
    present: () =>
      ['krb5.h', 'krb5/krb5.h', 'gssapi/gssapi.h'].some((header) => existsSync(join('/usr/include', header))),
  },
  // node-gyp's toolchain for code-server's native modules (present on most machines already).
  { name: 'g++', present: () => existsSync('/usr/bin/g++') },
  { name: 'make', present: () => existsSync('/usr/bin/make') },
  { name: 'python3', present: () => existsSync('/usr/bin/python3') },
];

function installDebianPackages() {
  const missing = debianPackages.filter((p) => !p.present()).map((p) => p.name);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      `[setup] missing Debian packages: ${missing.join(', ')}. Install them with\n` +
        `  sudo apt-get install -y --no-install-recommends ${missing.join(' ')}\n` +
        'and run the tests again (they install these themselves only when run as root).\n',
    );
    process.exit(1);
  }
  log(`installing Debian packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

/**
 * code-server's VS Code fetches ripgrep from a release host at install time unless the archive is already in its
 * cache folder; Debian's rg is placed there under the name the archive uses.
 */
function placeRipgrepArchive() {
  const cacheDir = join(tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const archive = join(cacheDir, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (existsSync(archive)) return;
  log(`placing Debian's ripgrep at ${archive}`);
  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'trainlens-rg-'));
  copyFileSync('/usr/bin/rg', join(staging, 'rg'));
  execFileSync('tar', ['czf', archive, '-C', staging, 'rg']);
  rmSync(staging, { recursive: true, force: true });
}

function codeServerInstalled() {
  const manifest = join(hostDir, 'node_modules', 'code-server', 'package.json');
  const ripgrep = join(
    hostDir,
    'node_modules',
    'code-server',
    'lib',
    'vscode',
    'node_modules',
    '@vscode',
    'ripgrep',
    'bin',
    'rg',
  );
  if (!existsSync(manifest) || !existsSync(ripgrep)) return false;
  return JSON.parse(readFileSync(manifest, 'utf8')).version === CODE_SERVER_VERSION;
}

/**
 * Environment for npm in the host package. code-server's native modules (argon2, and node-pty, kerberos and others
 * that its postinstall rebuilds) are compiled by node-gyp, which downloads Node's headers from nodejs.org unless
 * `nodedir` names a folder that has them; Debian's nodejs package installs them under /usr/include/node.
 */
function npmEnv() {
  const env = { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' };
  const configured = spawnSync('npm', ['config', 'get', 'nodedir'], { cwd: hostDir, encoding: 'utf8' }).stdout?.trim();
  if (!configured || configured === 'undefined' || configured === 'null') {
    const prefix = join(dirname(process.execPath), '..');
    if (existsSync(join(prefix, 'include', 'node', 'common.gypi'))) {
      env.npm_config_nodedir = prefix;
      log(`using Node's headers from ${join(prefix, 'include', 'node')} (npm_config_nodedir=${prefix})`);
    }
  }
  return env;
}

function installCodeServer() {
  if (codeServerInstalled()) return;
  const lockfile = existsSync(join(hostDir, 'package-lock.json'));
  log(`installing code-server ${CODE_SERVER_VERSION} into test/e2e/host (about a minute with a warm npm cache)`);
  const result = spawnSync('npm', [lockfile ? 'ci' : 'install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: hostDir,
    stdio: 'inherit',
    env: npmEnv(),
  });
  if (result.status !== 0 || !codeServerInstalled()) {
    process.stderr.write(
      '[setup] code-server did not install. It needs Node 20 with its headers (or npm_config_nodedir), a C++ ' +
        'toolchain, libkrb5-dev and the ripgrep archive placed above; see the npm output for the failing package.\n',
    );
    process.exit(1);
  }
}

const started = Date.now();
installDebianPackages();
placeRipgrepArchive();
installCodeServer();
log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
