/**
 * _Profile ONNX Model_ and _Optimize ONNX Session_: the host API (src/onnx, src/tuner/onnx) under a cancellable
 * progress notification. Profile opens the model's profile panel; Optimize shows the session trials and the snippet
 * in the tuning panel. A model the API refuses (not ONNX, truncated, unresolved dims, …) is an error notification
 * with the message and the way out, never a crash.
 */
import { mkdir, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { OnnxError } from '../../onnx/errors';
import { profileOnnx } from '../../onnx/profile';
import type { OnnxHooks, OnnxProfileRequest } from '../../onnx/types';
import type { OnnxTuning } from '../../protocol/onnx';
import { tuneOnnx } from '../../tuner/onnx/tuneOnnx';
import type { EngineService } from '../engineService';
import { OnnxTuningPanel } from '../panels/onnxTuningPanel';
import { ProfilePanel, type ProfilePanelServices } from '../panels/profilePanel';
import { withOnnxActivity } from './onnxActivity';
import { onnxErrorText } from './onnxErrorText';
import { onnxSettings } from './onnxSettings';
import { onnxTarget } from './onnxTarget';

/** What the ONNX commands need from the extension. */
export interface OnnxServices {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly engine: EngineService;
  /** Where profiles are kept (the workspace's storage folder, or the extension's). */
  readonly storageUri: vscode.Uri;
  /** What the profile panel needs. */
  readonly profilePanel: ProfilePanelServices;
}

type Progress = vscode.Progress<{ message?: string; increment?: number }>;

/** The hooks of one operation: progress lines and fractions to the notification (and `onMessage`), its signal. */
function progressHooks(
  progress: Progress,
  signal: AbortSignal,
  log: vscode.LogOutputChannel,
  onMessage?: (m: string) => void,
): OnnxHooks {
  let reported = 0;
  return {
    signal,
    onMessage: (message) => {
      log.info(`[onnx] ${message}`);
      progress.report({ message });
      onMessage?.(message);
    },
    onProgress: (fraction) => {
      const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
      if (percent > reported) progress.report({ increment: percent - reported });
      reported = Math.max(reported, percent);
    },
  };
}

/** The request for the model at `uri` with the user's settings (symbolic dims), profiles kept in `outDir`. */
function profileRequest(uri: vscode.Uri, outDir?: string): OnnxProfileRequest {
  const { dims } = onnxSettings(uri);
  return {
    modelPath: uri.fsPath,
    session: { provider: 'cpu' },
    inputs: Object.keys(dims).length > 0 ? { dims } : {},
    ...(outDir ? { outDir } : {}),
  };
}

/** Whether an operation ended because the user cancelled it (the notification's or the panel's Cancel). */
function isCancellation(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof OnnxError && error.kind === 'cancelled');
}

/**
 * Reports a failure of an ONNX operation. A cancellation is quiet; an {@link OnnxError} is an
 * error notification with its message and hint (unresolved dims offer the setting that resolves them); anything
 * else is rethrown, for the command table to report as a failed command.
 */
function reportFailure(error: unknown, signal: AbortSignal, log: vscode.LogOutputChannel): void {
  if (isCancellation(error, signal)) {
    log.info('[onnx] cancelled');
    return;
  }
  if (!(error instanceof OnnxError)) throw error;
  const text = onnxErrorText(error);
  log.error(`[onnx] ${error.kind}: ${text}`);
  const actions = error.kind === 'unresolved-dims' ? ['Set Dims in Settings', 'Show Output'] : ['Show Output'];
  void vscode.window.showErrorMessage(`TrainLens: ${text}`, ...actions).then((choice) => {
    if (choice === 'Show Output') log.show();
    else if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'trainlens.onnx.dims');
  });
}

/** _TrainLens: Profile ONNX Model_: latency and ONNX Runtime's per-node profile, shown in the profile panel. */
export async function profileOnnxCommand(services: OnnxServices, argument?: unknown): Promise<void> {
  const uri = await onnxTarget(argument, 'Profile');
  if (!uri) return;
  const name = basename(uri.fsPath);
  await withOnnxActivity(uri.fsPath, 'profile', async () => {
    // The ORT profile is kept in storage, one folder per model, so the panel can reload it after a window reload.
    const outDir = vscode.Uri.joinPath(services.storageUri, 'onnx', `${name}-${hashPath(uri.fsPath)}`).fsPath;
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const controller = new AbortController();
    try {
      const { report, profile } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `TrainLens: profiling ${name}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          progress.report({ message: 'starting the engine' });
          const client = await services.engine.get();
          return profileOnnx(
            client,
            profileRequest(uri, outDir),
            progressHooks(progress, controller.signal, services.log),
          );
        },
      );
      const latency = report.latencyMs;
      services.log.info(
        `[onnx] ${name} on ${report.provider}: p50 ${latency.p50.toFixed(3)} ms, p90 ${latency.p90.toFixed(3)} ms, ` +
          `${latency.throughput.toFixed(0)}/s over ${latency.runs} runs; node sum ${(report.nodeSumRatio * 100).toFixed(0)}% ` +
          `of wall, profiler overhead ${report.profilingOverheadPercent.toFixed(1)}%`,
      );
      ProfilePanel.showOnnx(services.profilePanel, uri.fsPath, profile, report.profileFile ?? uri.fsPath);
    } catch (error) {
      reportFailure(error, controller.signal, services.log);
    }
  });
}

/** _TrainLens: Optimize ONNX Session_: measured session trials, then the best settings and their snippet. */
export async function optimizeOnnxCommand(services: OnnxServices, argument?: unknown): Promise<OnnxTuning | undefined> {
  const uri = await onnxTarget(argument, 'Optimize');
  if (!uri) return undefined;
  const name = basename(uri.fsPath);
  return withOnnxActivity(uri.fsPath, 'optimize', async () => {
    const settings = onnxSettings(uri);
    const controller = new AbortController();
    const client = await services.engine.get();
    const panel = OnnxTuningPanel.show(services, uri.fsPath);
    // Closing the panel cancels too: nobody would see the trials or the snippet.
    panel.onCancel(() => controller.abort());
    panel.onDidDispose(() => controller.abort());
    try {
      const tuning = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `TrainLens: optimizing ${name}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          const hooks = progressHooks(progress, controller.signal, services.log, (message) =>
            panel.update({ message }),
          );
          const request = {
            ...profileRequest(uri),
            objective: settings.objective,
            budgetMs: settings.budgetSeconds * 1000,
          };
          return tuneOnnx(client, request, hooks);
        },
      );
      const ok = tuning.trials.filter((t) => t.status === 'ok').length;
      const message =
        tuning.stoppedBy === 'cancelled'
          ? `cancelled after ${ok} measured trials; the best so far is shown`
          : `${tuning.trials.length} trials (${ok} measured); the best is ${tuning.speedup.toFixed(2)}× the default's ${tuning.objective}`;
      services.log.info(`[onnx] ${name}: ${message}`);
      panel.update({ status: 'done', message, tuning });
      return tuning;
    } catch (error) {
      // The panel says how it ended before the failure is reported (which rethrows what is not an ONNX error).
      const cancelled = isCancellation(error, controller.signal);
      panel.update({
        status: cancelled ? 'cancelled' : 'failed',
        message: cancelled ? 'cancelled: the trial sessions were released' : onnxErrorText(error),
      });
      reportFailure(error, controller.signal, services.log);
      return undefined;
    }
  });
}

/** A short stable hash of a path (FNV-1a), so two models of the same name keep their profiles apart. */
function hashPath(path: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
