import * as vscode from 'vscode';

/** The TrainLens output channel (a log channel: each line carries its time and level). */
export function createOutputChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('TrainLens', { log: true });
}
