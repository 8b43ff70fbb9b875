import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'trainlens.trainlens';

interface Manifest {
  contributes: { commands: Array<{ command: string }> };
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not installed`);
  return found;
}

/**
 * Pids of the processes running this extension's engine script (`dist/engine.js`, which the extension forks), or
 * `undefined` on platforms where this suite does not list processes (Windows).
 */
function enginePids(): number[] | undefined {
  const script = join(extension().extensionPath, 'dist', 'engine.js');
  if (process.platform === 'linux') {
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(script)) pids.push(Number(entry));
      } catch {
        // The process ended while we looked.
      }
    }
    return pids;
  }
  if (process.platform === 'darwin') {
    return execFileSync('ps', ['-axo', 'pid=,command='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(script))
      .map((line) => Number.parseInt(line.trim(), 10));
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, or fails with `what` after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

let firstEngine: number | undefined;

/** The extension tests, run in order inside a real VS Code by `index.ts`. */
export const tests: Array<[string, () => Promise<void>]> = [
  [
    'the extension activates',
    async () => {
      await extension().activate();
      assert.equal(extension().isActive, true);
    },
  ],
  [
    'every contributed command is registered, and every registered TrainLens command is contributed',
    async () => {
      const manifest = extension().packageJSON as Manifest;
      const contributed = manifest.contributes.commands.map((c) => c.command).sort();
      assert.ok(
        contributed.includes('trainlens.showEnvironment'),
        'the manifest contributes trainlens.showEnvironment',
      );
      const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('trainlens.')).sort();
      assert.deepEqual(registered, contributed);
    },
  ],
  [
    'Show Environment starts the engine process',
    async () => {
      const before = enginePids();
      // The command resolves only once its notification is answered or dismissed, so it is not awaited here; its
      // failures are caught by the extension and shown as error notifications, hence the look at the processes.
      let failure: Error | undefined;
      Promise.resolve(vscode.commands.executeCommand('trainlens.showEnvironment')).catch((error: unknown) => {
        failure = error instanceof Error ? error : new Error(`trainlens.showEnvironment rejected: ${String(error)}`);
      });
      if (before === undefined) {
        await sleep(15_000);
        if (failure) throw failure;
        process.stdout.write('  (engine process not checked: processes are not listed on this platform)\n');
        return;
      }
      firstEngine = await waitFor('an engine process (dist/engine.js) to start', () => {
        if (failure) throw failure;
        return enginePids()!.find((pid) => !before.includes(pid));
      });
    },
  ],
  [
    'Restart Engine replaces the engine process',
    async () => {
      // Resolves once the new engine is up (the old one is shut down first).
      await vscode.commands.executeCommand('trainlens.restartEngine');
      const pids = enginePids();
      if (pids === undefined || firstEngine === undefined) return;
      assert.equal(pids.length, 1, `one engine process runs after the restart (found pids ${pids.join(', ')})`);
      assert.notEqual(pids[0], firstEngine, 'the engine process was replaced');
    },
  ],
  [
    'Open Environment Panel opens the environment webview',
    async () => {
      await vscode.commands.executeCommand('trainlens.openEnvironmentPanel');
      await waitFor('the TrainLens environment panel tab', () =>
        vscode.window.tabGroups.all
          .flatMap((group) => group.tabs)
          .find(
            (tab) =>
              tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('trainlens.environment'),
          ),
      );
    },
  ],
  [
    'Run Training trains a config in the engine and resolves with its summary; the run record is on disk',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trainlens-run-command-'));
      const config = join(dir, 'small.trainlens.yaml');
      writeFileSync(
        config,
        [
          'version: 1',
          'model: { preset: mlp, input_shape: [8], hidden: [16], outputs: 3 }',
          'data: { source: synthetic, samples: 512, batch_size: 32 }',
          'training: { steps: 40, optimizer: { name: adam }, loss: categorical_crossentropy }',
          'monitoring: { log_every: 10 }',
          'engine: { backend: auto }',
          '',
        ].join('\n'),
      );
      const summary = await vscode.commands.executeCommand<
        { status: string; steps: number; runDir: string; backend: string } | undefined
      >('trainlens.runTraining', vscode.Uri.file(config));
      assert.ok(summary, 'the command returned the run summary');
      assert.equal(summary.status, 'completed');
      assert.equal(summary.steps, 40);
      const run = JSON.parse(readFileSync(join(summary.runDir, 'run.json'), 'utf8')) as { status: string };
      assert.equal(run.status, 'completed');
      assert.ok(summary.runDir.startsWith(join(dir, '.trainlens', 'runs')), summary.runDir);
    },
  ],
];
