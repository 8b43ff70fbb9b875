import * as vscode from 'vscode';
import type { EngineService } from '../engineService';
import { EnvironmentRequest } from '../../protocol/engine';
import type { EnvironmentPanelState } from '../../protocol/webview';
import { UntrustedWorkspaceError } from '../trust';
import { PanelHost, registerPanelSerializer, type PanelKind, type PanelServices, type PanelSource } from './panelHost';

/** The environment panel (its view type is also its `onWebviewPanel` activation event). */
export const ENVIRONMENT_PANEL: PanelKind = {
  viewType: 'trainlens.environment',
  bundle: 'environment',
  label: 'environment panel',
};

/** What the environment panel needs from the extension. */
export interface EnvironmentPanelServices extends PanelServices {
  readonly engine: EngineService;
}

/**
 * The environment panel: shows what the engine reports about this machine. One instance at a time; it is
 * restored after a window reload (see {@link registerEnvironmentPanelSerializer}).
 */
export class EnvironmentPanel implements vscode.Disposable {
  private static current: EnvironmentPanel | undefined;
  private readonly host: PanelHost;

  /** Reveals the panel, creating it if needed. */
  static show(services: EnvironmentPanelServices): void {
    if (EnvironmentPanel.current) {
      EnvironmentPanel.current.host.panel.reveal();
      return;
    }
    EnvironmentPanel.current = new EnvironmentPanel(services, {
      title: 'TrainLens: Environment',
      placement: vscode.ViewColumn.Active,
    });
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, services: EnvironmentPanelServices): void {
    EnvironmentPanel.current?.dispose();
    EnvironmentPanel.current = new EnvironmentPanel(services, { restored: panel });
  }

  private constructor(
    private readonly services: EnvironmentPanelServices,
    source: PanelSource,
  ) {
    this.host = new PanelHost(ENVIRONMENT_PANEL, services, source, {
      ready: () => this.sendReport(false),
      'environment/refresh': () => this.sendReport(true),
    });
    // A panel restored in an untrusted workspace explains why it is empty, and fills in once trust is granted.
    const trusted = vscode.workspace.onDidGrantWorkspaceTrust(() => void this.sendReport(false));
    this.host.onDidDispose(() => {
      trusted.dispose();
      if (EnvironmentPanel.current === this) EnvironmentPanel.current = undefined;
    });
  }

  dispose(): void {
    this.host.dispose();
  }

  private async sendReport(fresh: boolean): Promise<void> {
    try {
      const client = await this.services.engine.get();
      // Refresh asks the engine to probe again (a GPU or native package may have appeared since it started).
      const report = fresh ? await client.connection.sendRequest(EnvironmentRequest.type) : client.info.environment;
      this.host.notify({ type: 'environment/update', report, probedAt: new Date().toISOString() });
    } catch (error) {
      const message =
        error instanceof UntrustedWorkspaceError
          ? error.message
          : `The engine did not start: ${(error as Error).message}`;
      this.host.notify({ type: 'error', message });
    }
  }
}

/** Restores environment panels after a window reload (the page's saved state is not needed: the engine has it). */
export function registerEnvironmentPanelSerializer(services: EnvironmentPanelServices): vscode.Disposable {
  return registerPanelSerializer<EnvironmentPanelState>(ENVIRONMENT_PANEL, (panel) =>
    EnvironmentPanel.revive(panel, services),
  );
}
