import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { EngineClient } from '../../engineClient/engineClient';
import { RunFailure, startRun, type RunListeners } from '../../engineClient/runSession';
import type { RunSummary } from '../../protocol/types';
import type { EngineService } from '../engineService';
import { RunDashboard } from '../panels/runDashboard';
import { defined } from '../../common/defined';
import { describeRunFailure } from '../../engineClient/failureText';
import { tryReadRunRecord } from '../../runStore/readRunRecord';

/** What the run command needs from the extension. */
export interface RunServices {
  readonly engine: EngineService;
  readonly log: vscode.LogOutputChannel;
  readonly extensionUri: vscode.Uri;
}

/** The config to train: the command's argument (Explorer, editor title), else the active YAML editor, else ask. */
async function targetConfig(argument: unknown): Promise<vscode.Uri | undefined> {
  if (argument instanceof vscode.Uri) return argument;
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.languageId === 'yaml' && active.uri.scheme === 'file') return active.uri;
  const picked = await vscode.window.showOpenDialog({
    title: 'TrainLens: choose a training config',
    filters: { 'Training config': ['yaml', 'yml'] },
    canSelectMany: false,
  });
  return picked?.[0];
}

/** Human-readable time left. */
function formatEta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? ` · ${Math.floor(seconds / 60)} min ${seconds % 60} s left` : ` · ${seconds} s left`;
}

/**
 * Saves the config and checks it for errors (they are in the Problems view). On errors, says so, offers the Problems
 * view and returns false.
 */
async function savedWithoutErrors(uri: vscode.Uri): Promise<boolean> {
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.isDirty) await document.save();
  const errors = vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error && d.source === 'trainlens');
  if (errors.length === 0) return true;
  const first = errors[0]!;
  const choice = await vscode.window.showErrorMessage(
    `TrainLens: ${basename(uri.fsPath)} has ${errors.length} error${errors.length > 1 ? 's' : ''}; the first, at line ${first.range.start.line + 1}: ${first.message}`,
    'Show Problems',
  );
  if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
  return false;
}

/**
 * `TrainLens: Run Training`: saves the config, refuses while it has errors (they are in the Problems view), starts
 * the run in the engine and shows its progress (step, loss, samples/s, time left) in a cancellable notification;
 * Cancel stops the run gracefully with an emergency checkpoint. Metrics go to the output channel. Resolves when
 * the run has ended, with its summary (undefined when nothing ran).
 */
export async function runTrainingCommand(
  services: RunServices,
  argument?: unknown,
  options: { readonly profile?: boolean } = {},
): Promise<RunSummary | undefined> {
  const uri = await targetConfig(argument);
  if (!uri) return undefined;
  if (!(await savedWithoutErrors(uri))) return undefined;

  const { engine, log } = services;
  const client = await engine.get();
  const name = basename(uri.fsPath);
  log.info(`Run: ${uri.fsPath}`);
  // The live dashboard beside the editor: curves, memory, ETA and a Stop button.
  const dashboard = RunDashboard.open(services.extensionUri, log, name);
  let summary: RunSummary;
  try {
    summary = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `TrainLens: ${options.profile ? 'profiling' : 'training'} ${name}`,
        cancellable: true,
      },
      (progress, token) => followRun({ client, uri, options, log, dashboard }, progress, token),
    );
  } catch (error) {
    const message =
      error instanceof RunFailure
        ? describeRunFailure({ kind: error.kind, message: error.message, ...defined({ step: error.step }) })
        : (error as Error).message;
    dashboard.update({ status: 'failed', message });
    throw error;
  }
  reportOutcome(summary, dashboard, log);
  return summary;
}

/** What following one run needs: the engine, the config, where to log and the run's dashboard. */
interface RunContext {
  readonly client: EngineClient;
  readonly uri: vscode.Uri;
  readonly options: { readonly profile?: boolean };
  readonly log: vscode.LogOutputChannel;
  readonly dashboard: RunDashboard;
}

/**
 * Starts the run and follows it until it ends, inside the progress notification. Cancel in the notification and
 * Stop in the dashboard both stop it gracefully.
 */
async function followRun(
  { client, uri, options, log, dashboard }: RunContext,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<RunSummary> {
  const session = await startRun(
    client,
    { configPath: uri.fsPath, ...(options.profile ? { profile: true } : {}) },
    runListeners(log, dashboard, progress),
  );
  log.info(`Run ${session.runId} started: ${session.runDir}`);
  dashboard.update({ runDir: session.runDir });
  const stop = () => {
    log.info(`Run ${session.runId}: stopping (an emergency checkpoint is written).`);
    dashboard.update({ status: 'stopping' });
    void session.cancel().catch(() => undefined);
  };
  const cancel = token.onCancellationRequested(stop);
  const stopFromPanel = dashboard.onStop(stop);
  try {
    return await session.outcome;
  } finally {
    cancel.dispose();
    stopFromPanel.dispose();
  }
}

/**
 * The run's listeners: metrics go to the output channel and the dashboard, progress to the notification and the
 * dashboard, memory samples to the dashboard. They share the last loss seen and the step phases so far.
 */
function runListeners(
  log: vscode.LogOutputChannel,
  dashboard: RunDashboard,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
): RunListeners {
  let loss: number | undefined;
  let reported = 0;
  const phases = { intervals: 0, wait: 0, rest: 0 };
  return {
    onMetrics: (p) => {
      if (p.values['loss'] !== undefined) loss = p.values['loss'];
      const values = Object.entries(p.values)
        .map(([key, value]) => `${key} ${Number.isInteger(value) ? value : value.toPrecision(4)}`)
        .join(', ');
      log.info(`[run] step ${p.step}: ${values}`);
      // Where the steps' time goes so far: waiting for data, and the rest (compute and host syncs).
      const wait = p.values['data_wait_ms'];
      const stepMs = p.values['step_ms'];
      if (wait !== undefined && stepMs !== undefined) {
        phases.intervals++;
        phases.wait += wait;
        phases.rest += Math.max(0, stepMs - wait);
      }
      dashboard.update({
        points: [{ step: p.step, values: p.values }],
        ...(phases.intervals > 0
          ? {
              phasesMs: {
                data_wait: phases.wait / phases.intervals,
                'compute and syncs': phases.rest / phases.intervals,
              },
            }
          : {}),
      });
    },
    onProgress: (p) => {
      const percent = (p.step / p.totalSteps) * 100;
      progress.report({
        increment: percent - reported,
        message: `step ${p.step}/${p.totalSteps}${loss !== undefined ? ` · loss ${loss.toFixed(4)}` : ''} · ${Math.round(p.samplesPerSec)} samples/s${formatEta(p.etaMs)}`,
      });
      reported = percent;
      dashboard.update({
        status: 'running',
        step: p.step,
        totalSteps: p.totalSteps,
        samplesPerSec: p.samplesPerSec,
        ...(p.etaMs !== undefined ? { etaMs: p.etaMs } : {}),
      });
    },
    onMemory: (m) => {
      dashboard.update({ memory: [{ tMs: m.tMs, tensorBytes: m.tensorBytes, rssBytes: m.rssBytes }] });
    },
  };
}

/** Shows how the run ended: on the dashboard, in the output channel, and in a notification that opens the record. */
function reportOutcome(summary: RunSummary, dashboard: RunDashboard, log: vscode.LogOutputChannel): void {
  dashboard.update({
    status: summary.status,
    step: summary.steps,
    backend: summary.backend,
    samplesPerSec: summary.samplesPerSec,
    message: `${summary.status}: ${summary.steps} steps, ${summary.samplesPerSec} samples/s, final loss ${summary.finalLoss === null ? 'n/a' : summary.finalLoss.toFixed(4)}`,
    runDir: summary.runDir,
  });
  // A run the NaN guard stopped ends with status failed: say why, from the record's failure, not only "failed".
  const failure = summary.status === 'failed' ? tryReadRunRecord(summary.runDir)?.failure : undefined;
  const line = failure
    ? `${describeRunFailure(failure)} (${summary.steps} steps on ${summary.backend})`
    : `Run ${summary.status}: ${summary.steps} steps on ${summary.backend}, ${summary.samplesPerSec} samples/s, final loss ${summary.finalLoss === null ? 'n/a' : summary.finalLoss.toFixed(4)}.`;
  log.info(`${line} Run record: ${summary.runDir}`);
  const show = failure ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(`TrainLens: ${line}`, 'Open run.json', 'Show Output').then((choice) => {
    if (choice === 'Open run.json')
      void vscode.window.showTextDocument(vscode.Uri.file(join(summary.runDir, 'run.json')));
    if (choice === 'Show Output') log.show();
  });
}
