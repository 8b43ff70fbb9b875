import * as vscode from 'vscode';

/**
 * The options every TrainLens panel is created with: scripts on, and only the bundled webview files loadable
 * (`localResourceRoots` is `dist/webview`).
 */
export function panelOptions(
  extensionUri: vscode.Uri,
  retainContextWhenHidden = false,
): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}
