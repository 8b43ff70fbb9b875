import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** code-server's entry inside the test host package (installed by scripts/setupTestEnv.mjs). */
export const CODE_SERVER_ENTRY = join(__dirname, 'host', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** A running code-server serving a workspace on loopback. */
export interface CodeServer {
  /** Workbench URL with the workspace folder opened. */
  readonly url: string;
  readonly workspace: string;
  /** Everything code-server printed, for failure messages. */
  readonly output: () => string;
  /** Stops code-server and its children, and removes its temporary folders. */
  stop(): Promise<void>;
}

/** Options of {@link startCodeServer}. */
export interface CodeServerOptions {
  /** .vsix files installed into a fresh extensions folder before start. */
  readonly extensions: readonly string[];
  /** Files to create in the workspace: relative path → content (text, or bytes such as an ONNX model). */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  readonly timeoutMs?: number;
  /**
   * Keep workspace trust on: the workspace opens in Restricted Mode (untrusted, without the start-up prompt) and
   * the test trusts it, or not, through Workspaces: Manage Workspace Trust. Off by default: everything is trusted.
   */
  readonly workspaceTrust?: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts code-server 4.100.3 (VS Code 1.100.3) on 127.0.0.1 with fresh user-data and extensions folders, the given
 * extensions installed, and a temporary workspace holding `files`. Resolves once the workbench page is served.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(
      `code-server is not installed (${CODE_SERVER_ENTRY} is missing). Run "node scripts/setupTestEnv.mjs".`,
    );
  }
  const base = mkdtempSync(join(tmpdir(), 'trainlens-e2e-'));
  const userData = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  const workspace = join(base, 'workspace');
  for (const dir of [userData, extensionsDir, workspace]) mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(options.files)) {
    mkdirSync(join(workspace, path, '..'), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
  // Keep the workbench quiet and deterministic: no welcome page, no trust prompt, no telemetry.
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': options.workspaceTrust ?? false,
      'security.workspace.trust.startupPrompt': 'never',
      'telemetry.telemetryLevel': 'off',
      'workbench.tips.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
    }),
  );

  const common = ['--user-data-dir', userData, '--extensions-dir', extensionsDir];
  for (const vsix of options.extensions) {
    const install = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...common, '--install-extension', vsix], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (install.status !== 0) {
      rmSync(base, { recursive: true, force: true });
      throw new Error(`code-server could not install ${vsix}:\n${install.stdout}\n${install.stderr}`);
    }
  }

  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      workspace,
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XDG_CONFIG_HOME: join(base, 'config') },
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // code-server starts helper processes (extension host, pty host): end the whole group.
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(base, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`code-server exited with ${child.exitCode} before serving:\n${output}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on port ${port} in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, workspace, output: () => output, stop };
}

/**
 * The workbench URL that makes this code-server run an extension test suite, as `@vscode/test-web` does: the
 * workbench reads `extensionDevelopmentPath` and `extensionTestsPath` from its `payload` query parameter, the
 * remote extension host loads the extension from the development folder and calls the tests module's `run()`, and
 * the workbench then calls `window.codeAutomationExit(code)` (expose it with Playwright's `page.exposeFunction`).
 * Both paths are absolute paths on this machine; the tests module must be CommonJS (e.g. bundled with esbuild).
 */
export function extensionTestsUrl(server: CodeServer, developmentPath: string, testsPath: string): string {
  const authority = new URL(server.url).host;
  const remote = (path: string): string => `vscode-remote://${authority}${encodeURI(path)}`;
  const payload = [
    ['extensionDevelopmentPath', remote(developmentPath)],
    ['extensionTestsPath', remote(testsPath)],
  ];
  return `${server.url}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
