import * as vscode from 'vscode';
import type { RunDashboardUpdate } from '../../protocol/webview';
import { PanelHost, type PanelKind, type PanelServices } from './panelHost';

/** The live run dashboard. Its page keeps the curves' history: it must survive switching tabs. */
export const RUN_DASHBOARD: PanelKind = {
  viewType: 'trainlens.runDashboard',
  bundle: 'run',
  label: 'run dashboard',
  retainContextWhenHidden: true,
};

/** The shortest time between two updates posted to the panel. */
const FLUSH_INTERVAL_MS = 250;
/** The most points the host keeps per series (and memory samples) for a panel that reloads: as the panel does. */
const MAX_POINTS = 5000;

type MemorySample = RunDashboardUpdate['memory'][number];
type RunPoint = RunDashboardUpdate['points'][number];
type RunState = Omit<RunDashboardUpdate, 'points' | 'memory'>;

/** A change to the dashboard: the latest status fields, and points and memory samples to append. */
export type RunDashboardChange = Partial<RunState> & {
  points?: RunDashboardUpdate['points'];
  memory?: RunDashboardUpdate['memory'];
};

/** Drops every other item (keeping the newest) while over MAX_POINTS. */
function thin<T>(items: T[]): T[] {
  let kept = items;
  while (kept.length > MAX_POINTS) {
    const last = kept.length - 1;
    kept = kept.filter((_, i) => i % 2 === 0 || i === last);
  }
  return kept;
}

/**
 * The live dashboard of one training run: a transient webview panel beside the editor (no serializer: a run's
 * dashboard does not outlive the window). Updates are coalesced and posted at most every 250 ms; the panel receives
 * nothing before its `ready`, then the whole run so far, then only what is new.
 */
export class RunDashboard implements vscode.Disposable {
  private readonly host: PanelHost;
  private readonly stopListeners = new Set<() => void>();
  private state: RunState;
  /** Every series' points so far (thinned like the panel's), to replay to a panel that (re)loads its script. */
  private readonly history = new Map<string, Array<{ step: number; value: number }>>();
  private memoryHistory: MemorySample[] = [];
  /** What the ready panel has not received yet. */
  private pendingPoints: RunPoint[] = [];
  private pendingMemory: MemorySample[] = [];
  private stopFired = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;

  /** Opens a dashboard panel beside the editor for one run. */
  static open(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, title: string): RunDashboard {
    return new RunDashboard({ extensionUri, log }, title);
  }

  private constructor(
    private readonly services: PanelServices,
    title: string,
  ) {
    this.state = { title, status: 'starting', step: 0, totalSteps: 0 };
    const placement = { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true };
    this.host = new PanelHost(
      RUN_DASHBOARD,
      services,
      { title: `TrainLens: ${title}`, placement },
      {
        // A (re)loaded page gets the whole run so far; the host holds no state for it (updates are deltas).
        ready: () => this.sendAll(),
        'run/stop': () => this.fireStop(),
      },
    );
    this.host.onDidDispose(() => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.stopListeners.clear();
    });
  }

  /** Whether the panel is gone (the user closed it, or `dispose` was called). */
  get disposed(): boolean {
    return this.host.disposed;
  }

  /**
   * Queues an update: points and memory samples accumulate until the next flush (at most every 250 ms),
   * status/step/ETA take the latest values.
   */
  update(update: RunDashboardChange): void {
    if (this.host.disposed) return;
    const { points, memory, ...fields } = update;
    const state: Record<string, unknown> = { ...this.state };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) state[key] = value;
    this.state = state as unknown as RunState;
    if (points?.length) {
      for (const point of points) {
        for (const [name, value] of Object.entries(point.values)) {
          let series = this.history.get(name);
          if (!series) this.history.set(name, (series = []));
          series.push({ step: point.step, value });
          if (series.length > MAX_POINTS) this.history.set(name, thin(series));
        }
      }
      // A loop, not push(...points): a large batch would overflow the call stack.
      if (this.host.isReady) for (const point of points) this.pendingPoints.push(point);
    }
    if (memory?.length) {
      for (const sample of memory) this.memoryHistory.push(sample);
      this.memoryHistory = thin(this.memoryHistory);
      if (this.host.isReady) for (const sample of memory) this.pendingMemory.push(sample);
    }
    this.schedule();
  }

  /** Called when the user clicks Stop in the panel (at most once per run). */
  onStop(listener: () => void): vscode.Disposable {
    this.stopListeners.add(listener);
    return new vscode.Disposable(() => this.stopListeners.delete(listener));
  }

  dispose(): void {
    this.host.dispose();
  }

  private fireStop(): void {
    if (this.stopFired) return;
    this.stopFired = true;
    this.services.log.info(`Run dashboard: stop requested for ${this.state.title}.`);
    for (const listener of [...this.stopListeners]) {
      try {
        listener();
      } catch (error) {
        this.services.log.error(`A stop listener of the run dashboard failed: ${(error as Error).message}`);
      }
    }
  }

  /** After `ready` (a new panel, or one that reloaded its script): the status and every point so far. */
  private sendAll(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingPoints = [];
    this.pendingMemory = [];
    const byStep = new Map<number, Record<string, number>>();
    for (const [name, series] of this.history) {
      for (const { step, value } of series) {
        let values = byStep.get(step);
        if (!values) byStep.set(step, (values = {}));
        values[name] = value;
      }
    }
    const points = [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, values]) => ({ step, values }));
    this.lastFlush = Date.now();
    this.host.notify({ type: 'run/update', update: { ...this.state, points, memory: [...this.memoryHistory] } });
  }

  private schedule(): void {
    // Before `ready` nothing is posted: the ready handler sends everything at once.
    if (!this.host.isReady || this.timer || this.host.disposed) return;
    const wait = Math.max(0, this.lastFlush + FLUSH_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (!this.host.isReady || this.host.disposed) return;
    this.lastFlush = Date.now();
    const points = this.pendingPoints;
    const memory = this.pendingMemory;
    this.pendingPoints = [];
    this.pendingMemory = [];
    this.host.notify({ type: 'run/update', update: { ...this.state, points, memory } });
  }
}
