/**
 * The `trainlens.traceFolders` context key: the workspace folders that hold `tensorboard_trace_handler` traces
 * (`*.pt.trace.json[.gz]`), so the Explorer offers _Open Profile_ on them (`resourcePath in trainlens.traceFolders`).
 * Kept up to date by a file watcher; the search is bounded, so a huge workspace costs one capped query.
 */
import * as vscode from 'vscode';
import { traceFolderPaths } from './traceFolderPaths';

/** The context key the manifest's `explorer/context` menu reads. */
export const TRACE_FOLDERS_KEY = 'trainlens.traceFolders';
const GLOB = '**/*.pt.trace.json{,.gz}';
/** The most trace files looked at (a folder of many ranks needs one of them to be listed). */
const MAX_FILES = 5000;
const REFRESH_MS = 1000;

/** Watches the workspace for trace files and keeps the context key equal to the folders that hold them. */
export class TraceFolderKey implements vscode.Disposable {
  private readonly watcher = vscode.workspace.createFileSystemWatcher(GLOB);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly log: vscode.LogOutputChannel) {
    const schedule = () => this.schedule();
    this.watcher.onDidCreate(schedule);
    this.watcher.onDidDelete(schedule);
    this.schedule(0);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.watcher.dispose();
  }

  private schedule(delay = REFRESH_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private async refresh(): Promise<void> {
    try {
      const files = await vscode.workspace.findFiles(GLOB, '**/node_modules/**', MAX_FILES);
      if (this.disposed) return;
      const folders = traceFolderPaths(files.filter((f) => f.scheme === 'file').map((f) => f.fsPath));
      await vscode.commands.executeCommand('setContext', TRACE_FOLDERS_KEY, folders);
    } catch (error) {
      this.log.warn(`Could not look for trace folders: ${(error as Error).message}`);
    }
  }
}
