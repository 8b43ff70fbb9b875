/**
 * The live run dashboard: a training run's status, progress, throughput and time left while the engine trains,
 * with its loss and metric curves, memory over time and where each step's time goes. The host posts `run/update`
 * messages; each carries the full status and only the metric points and memory samples that are new since the
 * previous one, which the charts append (charts are created once and never re-created on an update).
 */
import './run.css';
import type { HostToWebviewMessage, RunDashboardUpdate } from '../../src/protocol/webview';
import { applyChartDefaults, Chart, palette } from '../shared/charts';
import { el } from '../shared/dom';
import { createFigure, type Figure } from '../shared/figure';
import { formatCount, formatMs } from '../shared/format';
import { createButton, createTag, registerToolkit } from '../shared/toolkit';
import { connectToHost } from '../shared/vscodeApi';
import { LiveLineChart, type XY } from './liveChart';

const MiB = 1024 ** 2;

type RunStatus = RunDashboardUpdate['status'];
const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(['completed', 'stopped', 'failed']);

/** What tests can reach on `window.trainlensRun`: the live charts (by role) and how many updates were applied. */
interface RunHooks {
  readonly charts: Record<string, Chart>;
  updates: number;
}

registerToolkit();
const app = document.getElementById('app') as HTMLElement;
// The whole dashboard changes several times a second: only the status region below is announced.
app.setAttribute('aria-live', 'off');
const hooks: RunHooks = { charts: {}, updates: 0 };
(window as unknown as { trainlensRun: RunHooks }).trainlensRun = hooks;

let dashboard: Dashboard | undefined;
const host = connectToHost<undefined>(onMessage);

function onMessage(message: HostToWebviewMessage): void {
  if (message.type === 'run/update') {
    dashboard ??= new Dashboard(app, () => host.post({ type: 'run/stop' }));
    dashboard.apply(message.update);
    hooks.updates++;
  } else if (message.type === 'error') {
    app.replaceChildren(el('h1', undefined, 'TrainLens run'), el('p', 'error', message.message));
    dashboard = undefined;
  }
}

/** Time left as people say it: `45 s`, `2 min 5 s`, `1 h 12 min`. */
function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${seconds} s`;
  return `${seconds} s`;
}

/** A metric value with four significant digits (`0.2346`, `1.234e-5`), thousands separated when large. */
function formatValue(value: number): string {
  // A NaN posted through JSON arrives as null.
  if (typeof value !== 'number') return 'NaN';
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return String(Number(value.toPrecision(4)));
}

/** A KPI tile: its label, the value and a detail line. */
interface Tile {
  readonly value: HTMLElement;
  readonly detail: HTMLElement;
  readonly card: HTMLElement;
}

function tile(id: string, label: string): Tile {
  const card = el('div', 'kpi');
  card.id = id;
  const value = el('div', 'value', '–');
  const detail = el('div', 'detail');
  card.append(el('div', 'label', label), value, detail);
  return { card, value, detail };
}

/** Mebibytes on an axis: `512 MiB`, `1.5 GiB`. */
function formatMiB(mib: number): string {
  return mib >= 1024 ? `${Number((mib / 1024).toFixed(2))} GiB` : `${Number(mib.toFixed(1))} MiB`;
}

/** The dashboard of one run: built on the first update, then only updated in place. */
class Dashboard {
  private readonly titleEl = el('h1');
  private readonly statusTag = createTag('starting');
  private readonly backendEl = el('span', 'muted');
  private readonly announcer = el('p', 'sr-only');
  private readonly actions = el('div', 'toolbar');
  private readonly stopButton: HTMLElement;
  private readonly stopNote = el('span', 'muted');
  private readonly stepTile = tile('kpi-step', 'Step');
  private readonly progress = el('progress');
  private readonly speedTile = tile('kpi-speed', 'Samples/s');
  private readonly etaTile = tile('kpi-eta', 'Time left');
  private readonly lossTile = tile('kpi-loss', 'Latest loss');
  private readonly outcome = el('section', 'outcome');
  private readonly lossChart: LiveLineChart;
  private readonly metricsSlot = el('div', 'chart-slot');
  private readonly memorySlot = el('div', 'chart-slot');
  private readonly phasesSlot = el('section', 'phases');
  private metricsChart: LiveLineChart | undefined;
  private memoryChart: LiveLineChart | undefined;
  private phasesChart: { figure: Figure; chart: Chart<'bar', number[], string> } | undefined;
  private status: RunStatus | undefined;
  private stopRequested = false;
  private latestLoss: { name: string; step: number; value: number } | undefined;

  constructor(
    root: HTMLElement,
    private readonly requestStop: () => void,
  ) {
    applyChartDefaults();
    this.titleEl.id = 'run-title';
    this.statusTag.id = 'run-status';
    this.backendEl.id = 'run-backend';
    this.announcer.setAttribute('role', 'status');
    this.announcer.id = 'run-announcer';

    const meta = el('div', 'run-meta');
    meta.append(this.statusTag, this.backendEl);

    this.stopButton = createButton('Stop', () => this.stop(), 'primary');
    this.stopButton.id = 'stop';
    this.stopButton.setAttribute('aria-label', 'Stop the run (writes an emergency checkpoint)');
    this.stopNote.id = 'stop-note';
    this.actions.id = 'run-actions';
    this.actions.append(this.stopButton, this.stopNote);

    this.progress.id = 'progress';
    this.progress.setAttribute('aria-label', 'Training progress');
    this.stepTile.card.append(this.progress);
    const kpis = el('section', 'kpis');
    kpis.setAttribute('aria-label', 'Run summary');
    kpis.append(this.stepTile.card, this.speedTile.card, this.etaTile.card, this.lossTile.card);

    this.outcome.id = 'outcome';
    this.outcome.hidden = true;

    this.lossChart = new LiveLineChart('loss-chart', 'Loss', 'Loss curves (loss, validation loss) by training step.', {
      xTitle: 'step',
      yTitle: 'loss',
      formatX: (x) => formatCount(x),
      formatY: formatValue,
    });
    hooks.charts['loss'] = this.lossChart.chart;

    const charts = el('section', 'chart-grid');
    charts.setAttribute('aria-label', 'Curves');
    charts.append(this.lossChart.figure.figure, this.metricsSlot, this.memorySlot);
    this.phasesSlot.hidden = true;

    root.replaceChildren(this.titleEl, meta, this.announcer, this.actions, kpis, this.outcome, charts, this.phasesSlot);
  }

  /** Applies one update: the latest status, and the new points appended to the curves. */
  apply(update: RunDashboardUpdate): void {
    this.renderStatus(update);
    this.renderKpis(update);
    this.appendPoints(update.points);
    this.appendMemory(update.memory);
    if (update.phasesMs && Object.keys(update.phasesMs).length > 0) this.renderPhases(update.phasesMs);
  }

  private stop(): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    this.requestStop();
    this.showStopping();
  }

  private showStopping(): void {
    this.stopButton.setAttribute('disabled', '');
    this.stopNote.textContent = 'Stopping (writing an emergency checkpoint)…';
  }

  private renderStatus(update: RunDashboardUpdate): void {
    this.titleEl.textContent = update.title;
    document.title = `TrainLens: ${update.title}`;
    this.backendEl.textContent = update.backend ? `Backend: ${update.backend}` : '';
    if (update.status !== this.status) {
      this.status = update.status;
      this.statusTag.textContent = update.status;
      this.statusTag.className = `tag status-${update.status}`;
      this.announcer.textContent = `Run ${update.status}`;
    }
    const final = FINAL_STATUSES.has(update.status);
    if (update.status === 'stopping') {
      this.stopRequested = true;
      this.showStopping();
    }
    this.actions.hidden = final;
    this.outcome.hidden = !final;
    if (final) {
      const message = el(
        'p',
        update.status === 'failed' ? 'error' : undefined,
        update.message ?? `Run ${update.status}.`,
      );
      message.id = 'outcome-message';
      const parts: HTMLElement[] = [message];
      if (update.runDir) {
        const dir = el('p');
        dir.id = 'outcome-dir';
        const code = el('code', undefined, update.runDir);
        dir.append('Run folder: ', code);
        parts.push(dir);
      }
      this.outcome.replaceChildren(...parts);
    }
  }

  private renderKpis(update: RunDashboardUpdate): void {
    const { step, totalSteps } = update;
    this.stepTile.value.textContent =
      totalSteps > 0 ? `${formatCount(step)} / ${formatCount(totalSteps)}` : formatCount(step);
    if (totalSteps > 0) {
      this.progress.max = totalSteps;
      this.progress.value = Math.min(step, totalSteps);
      this.stepTile.detail.textContent = `${Math.floor((100 * Math.min(step, totalSteps)) / totalSteps)}%`;
    } else {
      // No total yet: an indeterminate bar.
      this.progress.removeAttribute('value');
      this.stepTile.detail.textContent = '';
    }
    const speed = update.samplesPerSec;
    this.speedTile.value.textContent =
      speed === undefined || !Number.isFinite(speed)
        ? '–'
        : speed >= 100
          ? formatCount(Math.round(speed))
          : speed.toFixed(1);
    const final = FINAL_STATUSES.has(update.status);
    this.etaTile.value.textContent =
      final || update.etaMs === undefined || !Number.isFinite(update.etaMs) ? '–' : formatDuration(update.etaMs);
    this.etaTile.detail.textContent = final ? update.status : '';
  }

  private appendPoints(points: RunDashboardUpdate['points']): void {
    if (points.length === 0) return;
    const loss = new Map<string, XY[]>();
    const other = new Map<string, XY[]>();
    for (const point of points) {
      for (const [name, value] of Object.entries(point.values)) {
        if (name.includes('loss') && (name === 'loss' || this.latestLoss?.name !== 'loss'))
          this.latestLoss = { name, step: point.step, value };
        // NaN or infinite values cannot be drawn; the KPI still shows them.
        if (!Number.isFinite(value)) continue;
        const target = name.includes('loss') ? loss : other;
        let series = target.get(name);
        if (!series) target.set(name, (series = []));
        series.push({ x: point.step, y: value });
      }
    }
    for (const [name, series] of loss) this.lossChart.append(name, series);
    this.lossChart.refresh();
    if (other.size > 0) {
      if (!this.metricsChart) {
        this.metricsChart = new LiveLineChart(
          'metrics-chart',
          'Other metrics',
          'Metrics other than loss by training step, each on its own axis.',
          { xTitle: 'step', axisPerSeries: true, formatX: (x) => formatCount(x), formatY: formatValue },
        );
        this.metricsSlot.replaceChildren(this.metricsChart.figure.figure);
        hooks.charts['metrics'] = this.metricsChart.chart;
      }
      for (const [name, series] of other) this.metricsChart.append(name, series);
      this.metricsChart.refresh();
    }
    if (this.latestLoss) {
      this.lossTile.value.textContent = formatValue(this.latestLoss.value);
      this.lossTile.detail.textContent = `${this.latestLoss.name} at step ${formatCount(this.latestLoss.step)}`;
    }
  }

  private appendMemory(samples: RunDashboardUpdate['memory']): void {
    if (samples.length === 0) return;
    if (!this.memoryChart) {
      this.memoryChart = new LiveLineChart(
        'memory-chart',
        'Memory',
        'Tensor memory and process resident memory (RSS) over the run, in seconds since it started.',
        { xTitle: 's', yTitle: 'memory', formatX: (x) => x.toFixed(1), formatY: formatMiB },
      );
      this.memorySlot.replaceChildren(this.memoryChart.figure.figure);
      hooks.charts['memory'] = this.memoryChart.chart;
    }
    this.memoryChart.append(
      'Tensors',
      samples.map((s) => ({ x: s.tMs / 1000, y: s.tensorBytes / MiB })),
    );
    this.memoryChart.append(
      'RSS',
      samples.map((s) => ({ x: s.tMs / 1000, y: s.rssBytes / MiB })),
    );
    this.memoryChart.refresh();
  }

  private renderPhases(phasesMs: Readonly<Record<string, number>>): void {
    const entries = Object.entries(phasesMs).filter(([, ms]) => Number.isFinite(ms));
    const total = entries.reduce((sum, [, ms]) => sum + ms, 0);
    if (!this.phasesChart) {
      const figure = createFigure(
        'phases-chart',
        'Step breakdown so far',
        'Mean time per step in each phase, stacked.',
        120,
      );
      const chart = new Chart<'bar', number[], string>(figure.canvas, {
        type: 'bar',
        data: { labels: ['Mean step'], datasets: [] },
        options: {
          indexAxis: 'y',
          scales: {
            x: { stacked: true, beginAtZero: true, title: { display: true, text: 'ms' } },
            y: { stacked: true },
          },
          plugins: {
            legend: { position: 'bottom' },
            tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatMs(item.parsed.x ?? 0)}` } },
          },
        },
      });
      this.phasesChart = { figure, chart };
      this.phasesSlot.replaceChildren(figure.figure);
      this.phasesSlot.hidden = false;
      hooks.charts['phases'] = chart;
    }
    const { figure, chart } = this.phasesChart;
    const colors = palette();
    for (const [phase, ms] of entries) {
      const dataset = chart.data.datasets.find((d) => d.label === phase);
      if (dataset) dataset.data = [ms];
      else {
        const color = colors[chart.data.datasets.length % colors.length]!;
        chart.data.datasets.push({ label: phase, data: [ms], backgroundColor: color, borderColor: color });
      }
    }
    chart.update('none');
    figure.setData(
      ['Phase', 'Mean per step', 'Share'],
      entries.map(([phase, ms]) => [phase, formatMs(ms), `${((100 * ms) / (total || 1)).toFixed(1)}%`]),
    );
  }
}
