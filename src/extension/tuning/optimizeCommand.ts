import { basename } from 'node:path';
import * as vscode from 'vscode';
import { applyParams, TuneError, tune } from '../../tuner/tuner';
import type { Trial, TuneResult } from '../../tuner/types';
import type { EngineService } from '../engineService';
import { TuningPanel } from '../panels/tuningPanel';

/** What the optimize command needs from the extension. */
export interface OptimizeServices {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly engine: EngineService;
}

/** The smallest edit that turns `before` into `after`: the changed middle between the common prefix and suffix. */
function minimalEdit(before: string, after: string): { start: number; end: number; text: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let tail = 0;
  while (
    tail < before.length - start &&
    tail < after.length - start &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

/**
 * _TrainLens: Optimize This Config_ (also a CodeLens on training configs): tunes the config with short measured
 * trials in fresh engine processes, shows every trial in the tuning panel, and proposes the best settings as a
 * diff; Apply writes them into the YAML through an undoable edit and warns when the effective batch changed.
 * Cancel (the notification or the panel) ends every trial process and removes the tuning folder.
 */
export async function optimizeConfigCommand(
  services: OptimizeServices,
  argument?: unknown,
): Promise<TuneResult | undefined> {
  const uri =
    argument instanceof vscode.Uri
      ? argument
      : vscode.window.activeTextEditor?.document.languageId === 'yaml'
        ? vscode.window.activeTextEditor.document.uri
        : undefined;
  if (!uri) {
    void vscode.window.showWarningMessage('TrainLens: open a training config (*.trainlens.yaml) to optimize it.');
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.isDirty) await document.save();
  const client = await services.engine.get();
  const environment = client.info.environment;
  const name = basename(uri.fsPath);
  const panel = TuningPanel.open(services.extensionUri, services.log, name);
  const controller = new AbortController();
  // Closing the panel cancels too: nobody would see the trials or the result.
  panel.on('cancel', () => controller.abort());
  panel.onDidDispose(() => controller.abort());
  const trials: Trial[] = [];
  let result: TuneResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TrainLens: tuning ${name}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        return tune({
          configPath: uri.fsPath,
          // Trials run in fresh engine processes, launched like the shared one.
          ...services.engine.launchOptions(),
          environment: { backends: environment.backends, cores: environment.cpu.cores },
          signal: controller.signal,
          onMessage: (message) => {
            services.log.info(`[tune] ${message}`);
            progress.report({ message });
            panel.update({ message });
          },
          onTrial: (trial) => {
            trials.push(trial);
            services.log.info(
              `[tune] trial ${trial.id} (${trial.phase}): ${trial.status}, ${trial.samplesPerSec.toFixed(0)} samples/s ${JSON.stringify(trial.params)}`,
            );
            panel.update({ trials });
          },
        });
      },
    );
  } catch (error) {
    const cancelled = controller.signal.aborted;
    panel.update({
      status: cancelled ? 'cancelled' : 'failed',
      message: cancelled
        ? 'cancelled: every trial process ended and the tuning folder was removed'
        : (error as Error).message,
    });
    if (!cancelled && !(error instanceof TuneError)) throw error;
    if (!cancelled) void vscode.window.showErrorMessage(`TrainLens: ${(error as Error).message}`);
    return undefined;
  }
  panel.update({
    status: 'done',
    trials: result.trials,
    message: `${result.trials.length} trials; best ${result.best.samplesPerSec.toFixed(0)} samples/s, ${result.speedup}× the baseline`,
    result: {
      baselineId: result.baseline.id,
      bestId: result.best.id,
      speedup: result.speedup,
      diff: result.diff,
      notes: result.notes,
    },
  });
  panel.on('apply', () => void applyResult(services, uri, result, panel));
  return result;
}

/** Writes the best settings into the config as one undoable edit, shows it, and warns about the learning rate. */
async function applyResult(
  services: OptimizeServices,
  uri: vscode.Uri,
  result: TuneResult,
  panel: TuningPanel,
): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const current = document.getText();
  const edit = minimalEdit(current, applyParams(current, result.best.params));
  const workspaceEdit = new vscode.WorkspaceEdit();
  workspaceEdit.replace(
    uri,
    new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end)),
    edit.text,
  );
  if (!(await vscode.workspace.applyEdit(workspaceEdit))) {
    void vscode.window.showErrorMessage(`TrainLens: VS Code refused the edit of ${basename(uri.fsPath)}.`);
    return;
  }
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preview: false });
  services.log.info(`[tune] applied ${JSON.stringify(result.best.params)} to ${uri.fsPath}`);
  panel.update({ status: 'applied', message: `applied to ${basename(uri.fsPath)} (undo with Ctrl+Z)` });
  for (const note of result.notes) void vscode.window.showWarningMessage(`TrainLens: ${note}`);
}
