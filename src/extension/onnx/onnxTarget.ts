import * as vscode from 'vscode';

/** The ONNX model editor's view type (package.json `contributes.customEditors`). */
export const ONNX_EDITOR_VIEW_TYPE = 'trainlens.onnxModel';

const isOnnx = (uri: vscode.Uri): boolean => uri.path.toLowerCase().endsWith('.onnx');

/**
 * The model an ONNX command acts on: the one it was given (the Explorer menu, the editor's title bar, the model
 * editor's buttons), else the model of the active editor tab, else one the user picks in a file dialog. Only files
 * on this machine's disk: ONNX Runtime opens the model by path.
 */
export async function onnxTarget(argument: unknown, action: string): Promise<vscode.Uri | undefined> {
  let uri = argument instanceof vscode.Uri ? argument : activeModel();
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      title: `TrainLens: choose an ONNX model to ${action.toLowerCase()}`,
      openLabel: action,
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      filters: { 'ONNX models': ['onnx'] },
    });
    uri = picked?.[0];
  }
  if (uri && uri.scheme !== 'file') {
    void vscode.window.showWarningMessage(
      `TrainLens: ${uri.toString()} is not a file on this machine's disk; ONNX Runtime opens models by path.`,
    );
    return undefined;
  }
  return uri;
}

/** The .onnx file of the active tab: the model editor's, or a text editor's on a .onnx file. */
function activeModel(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === ONNX_EDITOR_VIEW_TYPE) return input.uri;
  if (input instanceof vscode.TabInputText && isOnnx(input.uri)) return input.uri;
  return undefined;
}
