/**
 * The extension-host ↔ webview protocol.
 *
 * Webviews are browser code: this file is types only and imports nothing from Node or `vscode`. A webview posts
 * `ReadyMessage` once its script runs; the host posts nothing before that (ready handshake). Everything a webview
 * sends is untrusted: the host validates each message (src/extension/panels/webviewMessages.ts) before acting.
 */
import type { EnvironmentReport } from './types';

/** Sent by a webview once its script has loaded and it can receive messages. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Sent by the environment panel when the user asks to probe the machine again. */
export interface RefreshEnvironmentMessage {
  readonly type: 'environment/refresh';
}

/** Everything a webview may send to the host. */
export type WebviewToHostMessage = ReadyMessage | RefreshEnvironmentMessage;

/** Sent by the host to the environment panel with a fresh report from the engine. */
export interface EnvironmentUpdateMessage {
  readonly type: 'environment/update';
  readonly report: EnvironmentReport;
  /** ISO time the engine produced the report. */
  readonly probedAt: string;
}

/** Sent by the host when producing the data for a panel failed; the panel shows the message. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

/** Everything the host may send to a webview. */
export type HostToWebviewMessage = EnvironmentUpdateMessage | ErrorMessage;

/** What a panel persists with `vscode.setState` so it can be restored after a window reload. */
export interface EnvironmentPanelState {
  readonly lastUpdate?: EnvironmentUpdateMessage;
}
