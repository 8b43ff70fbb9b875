/**
 * The one host of every TrainLens webview panel (profile, run dashboard, environment, tuning). A panel describes
 * itself (a {@link PanelKind}) and says what it does with each message; the host owns the rest, the same for all:
 * the webview options, the HTML and its CSP (src/webviewShell), the ready handshake, message validation, logging
 * and disposal. Panels never touch `webview.html`, `postMessage` or `onDidReceiveMessage` themselves.
 */
import * as vscode from 'vscode';
import type { HostToWebviewMessage, WebviewToHostMessage } from '../../protocol/webview';
import { createNonce, renderWebviewHtml } from '../../webviewShell/html';
import { ReadyHandshake } from './handshake';
import { parseWebviewMessage } from './webviewMessages';

/** One kind of panel: what VS Code calls it, which bundle it runs, and how the log names it. */
export interface PanelKind {
  /** The view type (for a restorable panel, also its `onWebviewPanel` activation event). */
  readonly viewType: string;
  /** The bundle's name in dist/webview: the panel runs `<bundle>.js` with `<bundle>.css`. */
  readonly bundle: string;
  /** How log lines name the panel ("profile panel"). */
  readonly label: string;
  /** Keep the page alive while its tab is hidden (the page holds history the host does not resend). */
  readonly retainContextWhenHidden?: boolean;
}

/** What a panel does with the messages its webview sends: one handler per message type it understands. */
export type PanelHandlers = {
  readonly [Type in WebviewToHostMessage['type']]?: (message: Extract<WebviewToHostMessage, { type: Type }>) => unknown;
};

/** What every panel needs from the extension. */
export interface PanelServices {
  readonly extensionUri: vscode.Uri;
  /** The TrainLens output channel (src/extension/output.ts). */
  readonly log: vscode.LogOutputChannel;
}

/** Where a new panel opens: a column, or a column and whether the editor keeps the focus. */
export type PanelPlacement =
  vscode.ViewColumn | { readonly viewColumn: vscode.ViewColumn; readonly preserveFocus: boolean };

/** Where a host's panel comes from: a new one with its tab title, or one VS Code restored after a window reload. */
export type PanelSource =
  { readonly title: string; readonly placement: PanelPlacement } | { readonly restored: vscode.WebviewPanel };

/** Scripts on, and only the bundled webview files loadable: `localResourceRoots` is dist/webview. */
function webviewOptions(extensionUri: vscode.Uri, kind: PanelKind): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: kind.retainContextWhenHidden ?? false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

/** Hosts one webview panel for its whole life; disposing the host (or closing the panel) releases everything. */
export class PanelHost implements vscode.Disposable {
  /** The hosted panel, for its title and to reveal it; its webview belongs to the host. */
  readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeListeners: Array<() => void> = [];
  private readonly handshake = new ReadyHandshake<HostToWebviewMessage>();
  private isDisposed = false;

  /**
   * Hosts a panel of `kind`: a new one, or a restored one (VS Code restores neither its options nor its listeners,
   * so both are set again). `handlers` answer the webview's messages; `ready` is answered by the host first (the
   * latest state goes out), then by its handler, if the panel has one.
   */
  constructor(
    private readonly kind: PanelKind,
    private readonly services: PanelServices,
    source: PanelSource,
    private readonly handlers: PanelHandlers,
  ) {
    const options = webviewOptions(services.extensionUri, kind);
    if ('restored' in source) {
      this.panel = source.restored;
      this.panel.webview.options = options;
    } else this.panel = vscode.window.createWebviewPanel(kind.viewType, source.title, source.placement, options);
    const webview = this.panel.webview;
    const asset = (file: string) =>
      webview.asWebviewUri(vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview', file)).toString();
    webview.html = renderWebviewHtml({
      title: this.panel.title,
      cspSource: webview.cspSource,
      scriptUri: asset(`${kind.bundle}.js`),
      styleUri: asset(`${kind.bundle}.css`),
      nonce: createNonce(),
    });
    this.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    webview.onDidReceiveMessage((raw: unknown) => this.receive(raw), undefined, this.disposables);
  }

  /** Whether the panel is gone (the user closed it, or `dispose` was called). */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Whether the webview has said it is ready (before that, nothing is posted). */
  get isReady(): boolean {
    return this.handshake.isReady;
  }

  /** Shows a new state: posted when the webview is ready, and again whenever it reloads; the latest one wins. */
  show(state: HostToWebviewMessage): void {
    this.send(this.handshake.show(state));
  }

  /** Posts a one-off message (a reply, a delta): now if the webview is ready, else once it is. */
  notify(message: HostToWebviewMessage): void {
    this.send(this.handshake.notify(message));
  }

  /** Runs `listener` once when the panel goes; like every listener of the host, it is released with the panel. */
  onDidDispose(listener: () => void): void {
    if (this.isDisposed) listener();
    else this.disposeListeners.push(listener);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const listener of this.disposeListeners.splice(0)) {
      try {
        listener();
      } catch (error) {
        this.services.log.error(`Closing the ${this.kind.label} failed: ${(error as Error).message}`);
      }
    }
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private receive(raw: unknown): void {
    const { kind, handlers } = this;
    const log = this.services.log;
    const message = parseWebviewMessage(raw);
    if (!message) {
      log.warn(`Ignored an invalid message from the ${kind.label}: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (message.type === 'ready') this.send(this.handshake.onReady());
    // The mapped type pairs each handler with its own message type; looked up by a union, it needs the widening.
    const handler = handlers[message.type] as ((message: WebviewToHostMessage) => unknown) | undefined;
    if (!handler) {
      if (message.type !== 'ready')
        log.warn(`Ignored a "${message.type}" message: the ${kind.label} does not handle it.`);
      return;
    }
    try {
      const result = handler(message);
      if (result instanceof Promise) result.catch((error: unknown) => this.handlerFailed(message, error));
    } catch (error) {
      this.handlerFailed(message, error);
    }
  }

  private handlerFailed(message: WebviewToHostMessage, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.services.log.error(`The ${this.kind.label} failed on "${message.type}": ${reason}`);
  }

  private send(messages: readonly HostToWebviewMessage[]): void {
    if (this.isDisposed) return;
    for (const message of messages)
      this.panel.webview.postMessage(message).then(undefined, (error: unknown) => {
        this.services.log.warn(`Could not post to the ${this.kind.label}: ${(error as Error).message}`);
      });
  }
}

/**
 * Registers how panels of `kind` come back after a window reload. VS Code hands over the state the page saved with
 * `setState` (for the profile panel: which profile it showed); `revive` hosts the panel again from it.
 */
export function registerPanelSerializer<State>(
  kind: PanelKind,
  revive: (panel: vscode.WebviewPanel, state: State | undefined) => Promise<void> | void,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(kind.viewType, {
    deserializeWebviewPanel: async (panel, state) => {
      await revive(panel, state as State | undefined);
    },
  });
}
