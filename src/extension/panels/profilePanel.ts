import { basename } from 'node:path';
import * as vscode from 'vscode';
import { loadProfile } from '../../analysis/analyze';
import { listTraceFolder } from '../../analysis/distributed/folder';
import { buildFolderView, opensAsTraceFolder, planTraceFolder, type FolderPlan } from '../../analysis/folderView';
import { TraceError } from '../../analysis/ingest/traceError';
import type { Profile } from '../../analysis/profile';
import { buildCompareView, buildProfileView } from '../../analysis/view';
import { ConfigEditError, setConfigValueEdits } from '../../config/edit';
import type { Finding } from '../../protocol/types';
import type { ProfileView } from '../../protocol/profileView';
import type {
  ApplyFindingMessage,
  CopyFindingCodeMessage,
  OpenRankMessage,
  ProfilePanelState,
} from '../../protocol/webview';
import { fixTarget, type FixTarget } from './fixTarget';
import { PanelHost, registerPanelSerializer, type PanelKind, type PanelServices, type PanelSource } from './panelHost';
import { offerOtherTraces } from './traceFolderPicker';

/** Profile and compare panels (their view type is also their `onWebviewPanel` activation event). */
export const PROFILE_PANEL: PanelKind = { viewType: 'trainlens.profile', bundle: 'profile', label: 'profile panel' };

/** What the profile panel needs from the extension. */
export interface ProfilePanelServices extends PanelServices {
  /** Starts a profiled run of a config and resolves with its run directory (Apply and re-run). */
  readonly profileConfig: (config: vscode.Uri) => Promise<string | undefined>;
}

/** Reads a trace or run directory with its spans, showing progress; errors name the file. */
async function loadWithProgress(target: string): Promise<Profile> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `TrainLens: reading ${basename(target)}` },
    (progress) => {
      let reported = 0;
      return loadProfile(
        target,
        (bytes) => {
          const mb = bytes / 1024 / 1024;
          if (mb - reported < 32) return;
          reported = mb;
          progress.report({ message: `${mb.toFixed(0)} MB` });
        },
        { spans: true },
      );
    },
  );
}

/** Lists a trace folder and plans what it shows; a folder that cannot be listed is named in the error. */
function planFolder(dir: string): { folder: ReturnType<typeof listTraceFolder>; plan: FolderPlan } {
  try {
    const folder = listTraceFolder(dir);
    return { folder, plan: planTraceFolder(folder) };
  } catch (error) {
    if (error instanceof TraceError) throw new Error(`${dir}: ${error.message}.`, { cause: error });
    throw error;
  }
}

/** Builds a trace folder's view (its job, or its newest trace), showing progress rank by rank. */
async function folderViewWithProgress(dir: string): Promise<{ view: ProfileView; plan: FolderPlan }> {
  const { folder, plan } = planFolder(dir);
  const view = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `TrainLens: reading ${basename(dir)}` },
    (progress) =>
      buildFolderView(folder, plan, {
        onRanks: (done, total) => progress.report({ message: `rank ${done} of ${total}`, increment: 100 / total }),
      }),
  );
  return { view, plan };
}

/**
 * A profile panel: the five views of one profile (a TrainLens run, an imported Kineto/ONNX Runtime/Chrome trace), or
 * the comparison of two. Apply fix edits the run's config through a WorkspaceEdit (undoable, shown in the editor);
 * only fixes the host itself computed are applied, by finding id, and only to files inside the workspace.
 */
export class ProfilePanel implements vscode.Disposable {
  /** The panel of each ONNX model (by file path): profiling a model again shows the new profile in the same panel. */
  private static readonly onnxPanels = new Map<string, ProfilePanel>();
  private readonly host: PanelHost;
  private findings: readonly Finding[] = [];
  private configPath: string | undefined;
  /** The trace of each rank of the job the panel shows, so Open on a row opens the host's own file for it. */
  private rankFiles = new Map<number, string>();

  /** Opens a panel for the trace file or run directory `target`. */
  static async open(services: ProfilePanelServices, target: vscode.Uri): Promise<ProfilePanel> {
    const profile = await loadWithProgress(target.fsPath);
    const instance = new ProfilePanel(services, {
      title: `Profile: ${basename(target.fsPath)}`,
      placement: vscode.ViewColumn.Active,
    });
    instance.showProfile(profile, target.fsPath);
    return instance;
  }

  /**
   * Opens a panel for a trace folder (`tensorboard_trace_handler`'s): several ranks of one cycle open with the
   * Distributed view (each rank openable from its row), otherwise the newest trace; the folder's other traces are
   * offered in a picker.
   */
  static async openFolder(services: ProfilePanelServices, dir: vscode.Uri): Promise<ProfilePanel> {
    const { view, plan } = await folderViewWithProgress(dir.fsPath);
    const instance = new ProfilePanel(services, {
      title: `Profile: ${view.title}`,
      placement: vscode.ViewColumn.Active,
    });
    instance.showView(view, dir.fsPath);
    offerOtherTraces(dir.fsPath, plan.others, (file) => ProfilePanel.open(services, vscode.Uri.file(file)));
    return instance;
  }

  /**
   * Shows the profile of the ONNX model at `modelPath` beside the editor, in the model's panel when one is open.
   * `source` is the ONNX Runtime profile the panel reloads after a window reload.
   */
  static showOnnx(services: ProfilePanelServices, modelPath: string, profile: Profile, source: string): ProfilePanel {
    const name = basename(modelPath);
    let instance = ProfilePanel.onnxPanels.get(modelPath);
    // The focus stays where it was (the model's editor), so the tuning panel opens in the same column beside it.
    if (instance && !instance.host.disposed) instance.host.panel.reveal(undefined, true);
    else {
      const created = new ProfilePanel(services, {
        title: `Profile: ${name}`,
        placement: { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      });
      ProfilePanel.onnxPanels.set(modelPath, created);
      created.host.onDidDispose(() => {
        if (ProfilePanel.onnxPanels.get(modelPath) === created) ProfilePanel.onnxPanels.delete(modelPath);
      });
      instance = created;
    }
    instance.showProfile(profile, source, name);
    return instance;
  }

  /** Opens a panel comparing two profiles (before → after). */
  static async compare(services: ProfilePanelServices, before: vscode.Uri, after: vscode.Uri): Promise<ProfilePanel> {
    const [a, b] = [await loadWithProgress(before.fsPath), await loadWithProgress(after.fsPath)];
    const instance = new ProfilePanel(services, {
      title: `Compare: ${basename(before.fsPath)} → ${basename(after.fsPath)}`,
      placement: vscode.ViewColumn.Active,
    });
    instance.showCompare(a, b, before.fsPath, after.fsPath);
    return instance;
  }

  /** Re-attaches a panel VS Code restored after a reload, reloading the profile it showed. */
  static async revive(
    panel: vscode.WebviewPanel,
    services: ProfilePanelServices,
    state: ProfilePanelState | undefined,
  ): Promise<void> {
    const instance = new ProfilePanel(services, { restored: panel });
    if (!state?.source) {
      instance.host.show({ type: 'error', message: 'This panel has nothing to restore; open the profile again.' });
      return;
    }
    try {
      if (state.compareWith) {
        const [a, b] = [await loadWithProgress(state.source), await loadWithProgress(state.compareWith)];
        instance.showCompare(a, b, state.source, state.compareWith);
      } else if (opensAsTraceFolder(state.source))
        instance.showView((await folderViewWithProgress(state.source)).view, state.source);
      else instance.showProfile(await loadWithProgress(state.source), state.source);
    } catch (error) {
      instance.host.show({ type: 'error', message: `Cannot reload ${state.source}: ${(error as Error).message}` });
    }
  }

  private constructor(
    private readonly services: ProfilePanelServices,
    source: PanelSource,
  ) {
    this.host = new PanelHost(PROFILE_PANEL, services, source, {
      'finding/apply': (message) => this.applyFinding(message),
      'distributed/openRank': (message) => this.openRank(message),
      'finding/copy': (message) => this.copyCode(message),
    });
  }

  /** Shows a profile; `heading` names it instead of its file (an ONNX profile is named after its model). */
  private showProfile(profile: Profile, source: string, heading?: string): void {
    const built = buildProfileView(profile);
    this.showView(heading ? { ...built, title: heading } : built, source);
  }

  /** Shows a built view; `source` is what the panel reloads after a window reload (a trace, run or trace folder). */
  private showView(view: ProfileView, source: string): void {
    this.rankFiles = new Map((view.distributed?.ranks ?? []).map((r) => [r.rank, r.file]));
    this.findings = view.report.findings;
    this.configPath = view.configPath;
    this.host.panel.title = `Profile: ${view.title}`;
    this.host.show({ type: 'profile/show', view, canApply: this.canApply(), source });
  }

  private showCompare(before: Profile, after: Profile, source: string, compareWith: string): void {
    this.host.show({ type: 'compare/show', view: buildCompareView(before, after), source, compareWith });
  }

  /** Fixes can be applied to a TrainLens config inside a trusted workspace. */
  private canApply(): boolean {
    return this.fixTarget().ok;
  }

  /** The file Apply fix edits, decided by {@link fixTarget}: a TrainLens config, inside the workspace by real path. */
  private fixTarget(): FixTarget {
    return fixTarget({
      configPath: this.configPath,
      trusted: vscode.workspace.isTrusted,
      workspaceFolders: (vscode.workspace.workspaceFolders ?? [])
        .filter((folder) => folder.uri.scheme === 'file')
        .map((folder) => folder.uri.fsPath),
    });
  }

  dispose(): void {
    this.host.dispose();
  }

  /** Opens the profile of a rank of the job this panel shows, from the trace the host holds for it. */
  private async openRank(message: OpenRankMessage): Promise<void> {
    const file = this.rankFiles.get(message.rank);
    if (!file) {
      this.services.log.warn(`Ignored Open of rank ${message.rank}: the job this panel shows has no such rank.`);
      return;
    }
    await ProfilePanel.open(this.services, vscode.Uri.file(file));
  }

  /** Copies the code of a finding this panel sent (by id and language, never text from the page). */
  private async copyCode(message: CopyFindingCodeMessage): Promise<void> {
    const code = this.findings.find((f) => f.id === message.findingId)?.code?.[message.language];
    if (code === undefined) return;
    await vscode.env.clipboard.writeText(code);
    this.services.log.info(`Copied the ${message.language} code of ${message.findingId}`);
    this.host.notify({ type: 'finding/copied', findingId: message.findingId, language: message.language });
  }

  /** Applies the fix of a finding this panel sent (by id), then re-runs the config when asked. */
  private async applyFinding(message: ApplyFindingMessage): Promise<void> {
    const finding = this.findings.find((f) => f.id === message.findingId);
    const reply = (ok: boolean, text: string) =>
      this.host.notify({ type: 'finding/applied', findingId: message.findingId, ok, message: text });
    if (!finding?.fix) return reply(false, 'This finding has no fix to apply.');
    try {
      const uri = await this.applyFix(finding);
      reply(
        true,
        `Set ${finding.fix.path}: ${String(finding.fix.value)} in ${basename(uri.fsPath)} (undo with Ctrl+Z).`,
      );
      if (message.rerun) {
        const document = await vscode.workspace.openTextDocument(uri);
        await document.save();
        const runDir = await this.services.profileConfig(uri);
        if (runDir) await ProfilePanel.open(this.services, vscode.Uri.file(runDir));
      }
    } catch (error) {
      reply(false, (error as Error).message);
    }
  }

  /** Edits the config through a WorkspaceEdit (undoable) and shows it; refuses any file {@link fixTarget} refuses. */
  private async applyFix(finding: Finding): Promise<vscode.Uri> {
    const fix = finding.fix!;
    const target = this.fixTarget();
    if (!target.ok) throw new Error(target.reason);
    const uri = vscode.Uri.file(target.file);
    const document = await vscode.workspace.openTextDocument(uri);
    let edits;
    try {
      edits = setConfigValueEdits(document.getText(), fix.path, fix.value);
    } catch (error) {
      if (error instanceof ConfigEditError)
        throw new Error(`${basename(uri.fsPath)}: ${error.message}`, { cause: error });
      throw error;
    }
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits)
      edit.replace(uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.newText);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit of ${uri.fsPath}.`);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.Beside,
      preview: false,
    });
    const first = edits[0];
    if (first) {
      const at = document.positionAt(first.start);
      editor.selection = new vscode.Selection(at, at);
      editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    this.services.log.info(`Applied ${finding.id}: ${fix.path} = ${String(fix.value)} in ${uri.fsPath}`);
    return uri;
  }
}

/** Restores profile and compare panels after a window reload, from the profiles they showed. */
export function registerProfilePanelSerializer(services: ProfilePanelServices): vscode.Disposable {
  return registerPanelSerializer<ProfilePanelState>(PROFILE_PANEL, (panel, state) =>
    ProfilePanel.revive(panel, services, state),
  );
}
