/**
 * What runs on each ONNX model now (a profile or a tuning), so a model runs one operation at a time and its editor
 * can disable the button of the one that runs. Keyed by the model's file path; lives as long as the extension.
 */
import * as vscode from 'vscode';

/** An operation on a model. */
export type OnnxOperation = 'profile' | 'optimize';

const running = new Map<string, OnnxOperation>();
const changed = new vscode.EventEmitter<string>();

/** Fires with the model's path when an operation on it starts or ends. */
export const onDidChangeOnnxActivity: vscode.Event<string> = changed.event;

/** The operation running on the model at `modelPath`, if any. */
export function onnxActivity(modelPath: string): OnnxOperation | undefined {
  return running.get(modelPath);
}

/**
 * Runs `work` as `operation` on the model; resolves with `undefined` (and says so) without running it when another
 * operation on the same model has not ended.
 */
export async function withOnnxActivity<T>(
  modelPath: string,
  operation: OnnxOperation,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const current = running.get(modelPath);
  if (current) {
    const doing = current === 'profile' ? 'profiling' : 'optimizing';
    void vscode.window.showInformationMessage(
      `TrainLens is already ${doing} ${vscode.workspace.asRelativePath(modelPath)}; wait for it or cancel it first.`,
    );
    return undefined;
  }
  running.set(modelPath, operation);
  changed.fire(modelPath);
  try {
    return await work();
  } finally {
    running.delete(modelPath);
    changed.fire(modelPath);
  }
}
