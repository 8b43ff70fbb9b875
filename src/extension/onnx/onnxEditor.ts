/**
 * The ONNX model editor: a read-only custom editor for `*.onnx` files. The document is the file; the page shows what
 * the engine reads from it (inputs and outputs, opsets, op types, initializers, external data, the providers of this
 * machine's ONNX Runtime), with Profile and Optimize, which run the commands of the same names on the file. A file
 * the engine cannot read as a model shows the message and the way out instead. The engine starts only in a trusted
 * workspace (the gate is `EngineService.launchOptions`); elsewhere the page says why it is empty, and fills in once
 * the workspace is trusted. The page is read again when the file changes on disk.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { inspectOnnxModel } from '../../engineClient/onnxRequests';
import { OnnxError } from '../../onnx/errors';
import type { OnnxModelMessage } from '../../protocol/webview';
import type { EngineService } from '../engineService';
import { PanelHost, type PanelKind, type PanelServices } from '../panels/panelHost';
import { UntrustedWorkspaceError } from '../trust';
import { onDidChangeOnnxActivity, onnxActivity } from './onnxActivity';
import { onnxErrorParts } from './onnxErrorText';
import { ONNX_EDITOR_VIEW_TYPE } from './onnxTarget';

/** The ONNX model editor's page (its view type is also its `onCustomEditor` activation event). */
export const ONNX_EDITOR: PanelKind = { viewType: ONNX_EDITOR_VIEW_TYPE, bundle: 'onnx', label: 'ONNX model editor' };

/** What the ONNX model editor needs from the extension. */
export interface OnnxEditorServices extends PanelServices {
  readonly engine: EngineService;
}

/** A model file: nothing to hold, the engine reads it by path. */
class OnnxDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {
    // Nothing is held.
  }
}

/** Registers the ONNX model editor for `*.onnx` (package.json `contributes.customEditors`). */
export function registerOnnxEditor(services: OnnxEditorServices): vscode.Disposable {
  const provider: vscode.CustomReadonlyEditorProvider<OnnxDocument> = {
    openCustomDocument: (uri) => new OnnxDocument(uri),
    resolveCustomEditor: (document, panel) => {
      new OnnxModelView(services, document.uri, panel);
    },
  };
  return vscode.window.registerCustomEditorProvider(ONNX_EDITOR_VIEW_TYPE, provider, {
    supportsMultipleEditorsPerDocument: true,
  });
}

/** One editor's page, for its whole life (its listeners go with the panel). */
class OnnxModelView {
  private readonly host: PanelHost;
  private readonly file: string;
  private state: OnnxModelMessage;
  /** Counts reads, so a slow read that a newer one overtook does not overwrite it. */
  private generation = 0;

  constructor(
    private readonly services: OnnxEditorServices,
    private readonly uri: vscode.Uri,
    panel: vscode.WebviewPanel,
  ) {
    this.file = basename(uri.fsPath);
    this.state = { type: 'onnx/model', file: this.file, status: 'loading' };
    // VS Code created the panel; the host sets its options, HTML and listeners as it does for a restored one.
    this.host = new PanelHost(
      ONNX_EDITOR,
      services,
      { restored: panel },
      {
        'onnx/profile': () => vscode.commands.executeCommand('trainlens.profileOnnx', uri),
        'onnx/optimize': () => vscode.commands.executeCommand('trainlens.optimizeOnnx', uri),
      },
    );
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), basename(uri.path)),
    );
    const subscriptions = [
      watcher,
      watcher.onDidChange(() => void this.load()),
      watcher.onDidCreate(() => void this.load()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.load()),
      onDidChangeOnnxActivity((path) => {
        if (path === uri.fsPath) this.show();
      }),
    ];
    this.host.onDidDispose(() => {
      for (const subscription of subscriptions) subscription.dispose();
    });
    void this.load();
  }

  /** Shows the state with what runs on the model now. */
  private show(): void {
    const { busy: _busy, ...rest } = this.state;
    const busy = onnxActivity(this.uri.fsPath);
    this.state = busy ? { ...rest, busy } : rest;
    this.host.show(this.state);
  }

  /** Reads the model through the engine and shows its summary, or why it cannot. */
  private async load(): Promise<void> {
    const generation = ++this.generation;
    const fresh = { type: 'onnx/model', file: this.file } as const;
    this.state = { ...fresh, status: 'loading' };
    this.show();
    const current = () => generation === this.generation && !this.host.disposed;
    let next: OnnxModelMessage;
    try {
      const client = await this.services.engine.get();
      const { summary, providers } = await inspectOnnxModel(client, { modelPath: this.uri.fsPath });
      next = { ...fresh, status: 'ready', summary, providers };
    } catch (error) {
      next = this.failure(error);
    }
    if (!current()) return;
    this.state = next;
    this.show();
    if (next.status === 'ready') await this.loadOptimized(current);
  }

  /**
   * Adds what ONNX Runtime's graph optimizations change (a session is created for it, so it comes second: the
   * summary shows first). A model ORT cannot optimize keeps its summary; the reason goes to the log.
   */
  private async loadOptimized(current: () => boolean): Promise<void> {
    try {
      const client = await this.services.engine.get();
      const { summary } = await inspectOnnxModel(client, { modelPath: this.uri.fsPath, optimize: true });
      if (!current() || this.state.status !== 'ready') return;
      this.state = { ...this.state, summary };
      this.show();
    } catch (error) {
      this.services.log.warn(`ONNX Runtime's graph optimizations of ${this.uri.fsPath}: ${(error as Error).message}`);
    }
  }

  private failure(error: unknown): OnnxModelMessage {
    const fresh = { type: 'onnx/model', file: this.file } as const;
    if (error instanceof UntrustedWorkspaceError) return { ...fresh, status: 'untrusted', notice: error.message };
    if (error instanceof OnnxError) {
      const { message, hint } = onnxErrorParts(error);
      return { ...fresh, status: 'error', error: { message, kind: error.kind, ...(hint ? { hint } : {}) } };
    }
    const message = error instanceof Error ? error.message : String(error);
    this.services.log.error(`Reading ${this.uri.fsPath} failed: ${message}`);
    return { ...fresh, status: 'error', error: { message: `TrainLens could not read ${this.file}: ${message}` } };
  }
}
