import * as vscode from 'vscode';

/** Training configs by name, as the manifest's menus recognize them. */
const CONFIG_NAME = /(^|\.)trainlens\.ya?ml$/;

/**
 * The lenses above a training config's first line: Run, Profile and Optimize this config (the one-click tuning).
 */
export class ConfigCodeLenses implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const name = document.uri.path.split('/').pop() ?? '';
    if (document.languageId !== 'yaml' || !CONFIG_NAME.test(name)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '$(play) Run', command: 'trainlens.runTraining', arguments: [document.uri] }),
      new vscode.CodeLens(top, {
        title: '$(pulse) Profile',
        command: 'trainlens.profileTraining',
        arguments: [document.uri],
      }),
      new vscode.CodeLens(top, {
        title: '$(rocket) Optimize this config',
        command: 'trainlens.optimizeConfig',
        arguments: [document.uri],
      }),
    ];
  }
}
