import type { HostToWebviewMessage, WebviewToHostMessage } from '../../src/protocol/webview';

/** The API VS Code injects into webviews (`acquireVsCodeApi` may be called once per page). */
interface VsCodeApi<State> {
  postMessage(message: WebviewToHostMessage): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/** A typed channel to the extension host, with the ready handshake built in. */
export interface HostChannel<State> {
  readonly post: (message: WebviewToHostMessage) => void;
  readonly state: State | undefined;
  readonly saveState: (state: State) => void;
}

/**
 * Connects a panel to the host: registers `onMessage` first, then posts `ready`, so no host message can arrive
 * before the panel listens.
 */
export function connectToHost<State>(onMessage: (message: HostToWebviewMessage) => void): HostChannel<State> {
  const api = acquireVsCodeApi<State>();
  window.addEventListener('message', (event: MessageEvent<HostToWebviewMessage>) => onMessage(event.data));
  api.postMessage({ type: 'ready' });
  return {
    post: (message) => api.postMessage(message),
    state: api.getState(),
    saveState: (state) => api.setState(state),
  };
}
