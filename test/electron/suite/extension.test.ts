import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'trainlens.trainlens';

interface Manifest {
  contributes: { commands: Array<{ command: string }> };
}

/** The extension tests, run inside a real VS Code by `index.ts`. */
export const tests: Array<[string, () => Promise<void>]> = [
  [
    'the extension activates',
    async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is not installed`);
      await extension.activate();
      assert.equal(extension.isActive, true);
    },
  ],
  [
    'every contributed command is registered, and every registered TrainLens command is contributed',
    async () => {
      const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
      const contributed = manifest.contributes.commands.map((c) => c.command).sort();
      const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('trainlens.')).sort();
      assert.deepEqual(registered, contributed);
    },
  ],
  [
    'Show Environment starts the engine process',
    async () => {
      // The command resolves after its notification is dismissed or times out; the engine must be up before that.
      const run = vscode.commands.executeCommand('trainlens.showEnvironment');
      await Promise.race([run, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      await vscode.commands.executeCommand('trainlens.restartEngine');
    },
  ],
];
