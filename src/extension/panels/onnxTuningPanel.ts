import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { OnnxTuneUpdateMessage, SnippetLanguage } from '../../protocol/webview';
import { PanelHost, type PanelServices } from './panelHost';
import { TUNING_PANEL } from './tuningPanel';

/** A change to the ONNX tuning panel: the fields that changed. */
export type OnnxTuningChange = Partial<Omit<OnnxTuneUpdateMessage, 'type' | 'title'>>;

/**
 * The tuning panel of one ONNX model: the same panel (and page) as a training config's tuning, in its ONNX case:
 * progress while the session trials run, then every trial, the best settings with the speedup and the snippet to
 * copy; Cancel while it runs. One panel per model, reused when the model is optimized again. Transient, like the
 * config's tuning panel: a tuning does not outlive the window. Every update carries the whole state.
 */
export class OnnxTuningPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, OnnxTuningPanel>();
  private readonly host: PanelHost;
  private state: OnnxTuneUpdateMessage;
  private cancelListener: (() => void) | undefined;

  /** Shows the panel of the model at `modelPath` beside the editor (a new one, or the model's, reset), running. */
  static show(services: PanelServices, modelPath: string): OnnxTuningPanel {
    const existing = OnnxTuningPanel.panels.get(modelPath);
    if (existing && !existing.host.disposed) {
      existing.cancelListener = undefined;
      existing.state = OnnxTuningPanel.initial(modelPath);
      existing.host.show(existing.state);
      existing.host.panel.reveal(undefined, true);
      return existing;
    }
    const panel = new OnnxTuningPanel(services, modelPath);
    OnnxTuningPanel.panels.set(modelPath, panel);
    panel.host.onDidDispose(() => {
      if (OnnxTuningPanel.panels.get(modelPath) === panel) OnnxTuningPanel.panels.delete(modelPath);
    });
    return panel;
  }

  private static initial(modelPath: string): OnnxTuneUpdateMessage {
    return { type: 'onnx-tune/update', title: basename(modelPath), status: 'running', message: 'starting' };
  }

  private constructor(
    private readonly services: PanelServices,
    modelPath: string,
  ) {
    this.state = OnnxTuningPanel.initial(modelPath);
    this.host = new PanelHost(
      TUNING_PANEL,
      services,
      {
        title: `Tuning ${basename(modelPath)}`,
        placement: { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      },
      {
        'tune/cancel': () => this.cancelListener?.(),
        'tune/copy': (message) => this.copy(message.language),
      },
    );
    this.host.show(this.state);
  }

  /** Sets what the panel's Cancel does (the latest listener wins). */
  onCancel(listener: () => void): void {
    this.cancelListener = listener;
  }

  /** Runs `listener` once when the panel goes (closed by the user, or disposed). */
  onDidDispose(listener: () => void): void {
    this.host.onDidDispose(listener);
  }

  /** Shows the latest state: the changed fields over the previous ones. */
  update(change: OnnxTuningChange): void {
    this.state = { ...this.state, ...change };
    this.host.show(this.state);
  }

  dispose(): void {
    this.host.dispose();
  }

  /** Copies the snippet the host holds (never text from the page) and tells the page it is on the clipboard. */
  private async copy(language: SnippetLanguage): Promise<void> {
    const snippet = this.state.tuning?.snippet[language];
    if (!snippet) return;
    await vscode.env.clipboard.writeText(snippet);
    this.services.log.info(`[onnx] copied the ${language} snippet of ${this.state.title}`);
    this.host.notify({ type: 'tune/copied', language });
  }
}
