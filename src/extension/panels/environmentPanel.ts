import * as vscode from 'vscode';
import type { EngineService } from '../engineService';
import { EnvironmentRequest } from '../../protocol/engine';
import type { EnvironmentPanelState, HostToWebviewMessage } from '../../protocol/webview';
import { createNonce, renderWebviewHtml } from '../../webviewShell/html';
import { parseWebviewMessage } from './webviewMessages';
import { panelOptions } from './webviewOptions';

/** The view type of the environment panel (also its `onWebviewPanel` activation event). */
export const ENVIRONMENT_VIEW_TYPE = 'trainlens.environment';

/**
 * The environment panel: shows what the engine reports about this machine. One instance at a time; it is
 * restored after a window reload by the serializer registered in `extension.ts`.
 */
export class EnvironmentPanel implements vscode.Disposable {
  private static current: EnvironmentPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;

  /** Reveals the panel, creating it if needed. */
  static show(extensionUri: vscode.Uri, engine: EngineService, log: vscode.LogOutputChannel): void {
    if (EnvironmentPanel.current) {
      EnvironmentPanel.current.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      ENVIRONMENT_VIEW_TYPE,
      'TrainLens: Environment',
      vscode.ViewColumn.Active,
      panelOptions(extensionUri),
    );
    EnvironmentPanel.current = new EnvironmentPanel(panel, extensionUri, engine, log);
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    engine: EngineService,
    log: vscode.LogOutputChannel,
  ): void {
    panel.webview.options = panelOptions(extensionUri);
    EnvironmentPanel.current?.dispose();
    EnvironmentPanel.current = new EnvironmentPanel(panel, extensionUri, engine, log);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly engine: EngineService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const asset = (file: string) =>
      panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
    panel.webview.html = renderWebviewHtml({
      title: 'TrainLens: Environment',
      cspSource: panel.webview.cspSource,
      scriptUri: asset('environment.js'),
      styleUri: asset('environment.css'),
      nonce: createNonce(),
    });
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw), undefined, this.disposables);
  }

  dispose(): void {
    if (EnvironmentPanel.current === this) EnvironmentPanel.current = undefined;
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private onMessage(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.log.warn(`Ignored an invalid message from the environment panel: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (message.type === 'ready') this.ready = true;
    void this.sendReport(message.type === 'environment/refresh');
  }

  private async sendReport(fresh: boolean): Promise<void> {
    try {
      const client = await this.engine.get();
      // Refresh asks the engine to probe again (a GPU or native package may have appeared since it started).
      const report = fresh ? await client.connection.sendRequest(EnvironmentRequest.type) : client.info.environment;
      await this.post({ type: 'environment/update', report, probedAt: new Date().toISOString() });
    } catch (error) {
      await this.post({ type: 'error', message: `The engine did not start: ${(error as Error).message}` });
    }
  }

  private async post(message: HostToWebviewMessage): Promise<void> {
    // Nothing is posted before the webview said it is ready (its listener would not exist yet).
    if (this.ready) await this.panel.webview.postMessage(message);
  }
}

/** Restores environment panels after a window reload. */
export class EnvironmentPanelSerializer implements vscode.WebviewPanelSerializer<EnvironmentPanelState> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly engine: EngineService,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    EnvironmentPanel.revive(panel, this.extensionUri, this.engine, this.log);
    return Promise.resolve();
  }
}
