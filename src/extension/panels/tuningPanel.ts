import * as vscode from 'vscode';
import type { Trial } from '../../tuner/types';
import type { TuneTrialView, TuneUpdateMessage } from '../../protocol/webview';
import { PanelHost, type PanelKind, type PanelServices } from './panelHost';

/** The tuning panel. Its page is the only view of the trials so far: it must survive switching tabs. */
export const TUNING_PANEL: PanelKind = {
  viewType: 'trainlens.tuning',
  bundle: 'tune',
  label: 'tuning panel',
  retainContextWhenHidden: true,
};

/** A change to the tuning panel: the latest status fields, and every trial so far. */
export type TuningChange = Partial<Omit<TuneUpdateMessage, 'type' | 'trials'>> & { readonly trials?: readonly Trial[] };

/** A trial as the panel shows it: the tuner's record without what only the CLI's JSON carries. */
const trialView = (t: Trial): TuneTrialView => ({
  id: t.id,
  phase: t.phase,
  params: t.params,
  status: t.status,
  samplesPerSec: t.samplesPerSec,
  ...(t.timeToLossMs !== undefined ? { timeToLossMs: t.timeToLossMs } : {}),
  stepMs: t.stepMs,
  peakMemoryBytes: t.peakMemoryBytes,
  ...(t.reason ? { reason: t.reason } : {}),
});

/**
 * The tuning panel of one config: live trials, then the result with Apply; Cancel while it runs. Transient (no
 * serializer: a tuning run does not outlive the window). Every update carries the whole state, so the latest one is
 * all a (re)loaded page needs.
 */
export class TuningPanel implements vscode.Disposable {
  private readonly host: PanelHost;
  private state: TuneUpdateMessage;
  private readonly listeners: { apply?: () => void; cancel?: () => void } = {};

  /** Opens the panel beside the editor for the config named `title`. */
  static open(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, title: string): TuningPanel {
    return new TuningPanel({ extensionUri, log }, title);
  }

  private constructor(services: PanelServices, title: string) {
    this.state = { type: 'tune/update', title, status: 'running', trials: [], message: 'measuring the baseline' };
    const placement = { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true };
    this.host = new PanelHost(
      TUNING_PANEL,
      services,
      { title: `Tuning ${title}`, placement },
      {
        'tune/apply': () => this.listeners.apply?.(),
        'tune/cancel': () => this.listeners.cancel?.(),
      },
    );
    this.host.show(this.state);
  }

  /** Sets what the panel's Apply or Cancel does (the latest listener wins). */
  on(event: 'apply' | 'cancel', listener: () => void): void {
    this.listeners[event] = listener;
  }

  /** Runs `listener` once when the panel goes (closed by the user, or disposed). */
  onDidDispose(listener: () => void): void {
    this.host.onDidDispose(listener);
  }

  /** Shows the latest state: the changed fields over the previous ones. */
  update(change: TuningChange): void {
    const { trials, ...fields } = change;
    this.state = { ...this.state, ...fields, ...(trials ? { trials: trials.map(trialView) } : {}) };
    this.host.show(this.state);
  }

  dispose(): void {
    this.host.dispose();
  }
}
