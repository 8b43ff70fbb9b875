import * as vscode from 'vscode';

/** The `trainlens.onnx.*` settings, as the ONNX commands use them. */
export interface OnnxSettings {
  /** Symbolic dim name → size for synthesized inputs (`trainlens.onnx.dims`). */
  readonly dims: Readonly<Record<string, number>>;
  /** How long Optimize ONNX Session measures trials, in seconds (`trainlens.onnx.tuneBudgetSeconds`). */
  readonly budgetSeconds: number;
  /** What Optimize ONNX Session minimizes or maximizes (`trainlens.onnx.tuneObjective`). */
  readonly objective: 'latency' | 'throughput';
}

/** Reads the settings for the model at `uri` (folder settings apply); values of the wrong shape fall back. */
export function onnxSettings(uri: vscode.Uri): OnnxSettings {
  const settings = vscode.workspace.getConfiguration('trainlens.onnx', uri);
  const budget = settings.get<number>('tuneBudgetSeconds', 60);
  const rawDims = settings.get<unknown>('dims', {});
  const dims: Record<string, number> = {};
  if (rawDims && typeof rawDims === 'object' && !Array.isArray(rawDims))
    for (const [name, value] of Object.entries(rawDims as Record<string, unknown>))
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) dims[name] = value;
  return {
    dims,
    budgetSeconds: typeof budget === 'number' && Number.isFinite(budget) && budget > 0 ? budget : 60,
    objective: settings.get<string>('tuneObjective') === 'throughput' ? 'throughput' : 'latency',
  };
}
