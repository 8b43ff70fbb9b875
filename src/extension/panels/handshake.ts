/**
 * The ready handshake of a panel, without `vscode` so it is tested on its own (src/extension/panels/handshake.test.ts).
 *
 * A webview's listener exists only once its script ran, which it announces with `ready`; a message posted earlier
 * would be lost. So nothing goes out before `ready`: the panel's state (the view it shows) is held, and a newer state
 * replaces an older one because only the latest matters. The state is kept after it was sent too: a webview that
 * reloads its script (VS Code discards hidden pages without `retainContextWhenHidden`) says `ready` again and gets
 * the latest state again. Notifications (replies, deltas) are not state: held in order until `ready`, sent once.
 */
export class ReadyHandshake<Message> {
  private ready = false;
  private latest: Message | undefined;
  private held: Message[] = [];

  /** Whether the webview has said it is ready. */
  get isReady(): boolean {
    return this.ready;
  }

  /** The panel's state changed; returns what to send now (nothing before `ready`: the state waits for it). */
  show(state: Message): Message[] {
    this.latest = state;
    return this.ready ? [state] : [];
  }

  /** A one-off message; returns what to send now (nothing before `ready`: the message waits for it). */
  notify(message: Message): Message[] {
    if (this.ready) return [message];
    this.held.push(message);
    return [];
  }

  /** The webview said `ready` (it loaded, or reloaded, its script); returns the latest state, then what waited. */
  onReady(): Message[] {
    this.ready = true;
    const held = this.held;
    this.held = [];
    return [...(this.latest !== undefined ? [this.latest] : []), ...held];
  }
}
