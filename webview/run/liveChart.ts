/** The dashboard's growing line charts: series appear as they arrive, points are appended and capped. */
import { Chart, palette } from '../shared/charts';
import { createFigure, type Figure } from '../shared/figure';

/** The most points one series keeps: over it, every other point is dropped, so a long run stays bounded. */
export const MAX_POINTS = 5000;
/** The most rows a chart's data table shows (every n-th point beyond that). */
const MAX_TABLE_ROWS = 200;

/** A point on a line chart (always numbers here, never null). */
export interface XY {
  x: number;
  y: number;
}

/** Appends points to a series; over MAX_POINTS, every other point is dropped (the newest is kept). */
export function appendCapped(data: XY[], points: readonly XY[]): XY[] {
  for (const point of points) data.push(point);
  if (data.length <= MAX_POINTS) return data;
  let kept = data;
  while (kept.length > MAX_POINTS) {
    const last = kept.length - 1;
    kept = kept.filter((_, i) => i % 2 === 0 || i === last);
  }
  // A new array: chart.js notices the replaced data and re-syncs its elements.
  return kept;
}

/** How a live line chart lays out its series. */
export interface LiveChartOptions {
  readonly xTitle: string;
  readonly yTitle?: string;
  /** Each series on its own y axis (metrics with unrelated scales: accuracy, learning rate, milliseconds). */
  readonly axisPerSeries?: boolean;
  readonly formatY: (value: number) => string;
  readonly formatX: (value: number) => string;
}

/**
 * A line chart that only ever grows: series are added when they first appear, points are appended, and the chart
 * redraws with `update('none')`. Its data table is rebuilt only while it is open.
 */
export class LiveLineChart {
  readonly figure: Figure;
  readonly chart: Chart<'line', XY[]>;
  private readonly details: HTMLDetailsElement | null;
  private readonly colors = palette();

  constructor(
    id: string,
    title: string,
    summary: string,
    private readonly options: LiveChartOptions,
  ) {
    this.figure = createFigure(id, title, summary, 260);
    this.chart = new Chart<'line', XY[]>(this.figure.canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        parsing: false,
        spanGaps: true,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: options.xTitle } },
          ...(options.axisPerSeries
            ? {}
            : {
                y: {
                  type: 'linear',
                  ...(options.yTitle ? { title: { display: true, text: options.yTitle } } : {}),
                  ticks: { callback: (value) => options.formatY(Number(value)) },
                },
              }),
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              title: (items) => (items[0] ? `${options.xTitle} ${options.formatX(items[0].parsed.x ?? 0)}` : ''),
              label: (item) => `${item.dataset.label ?? ''}: ${options.formatY(item.parsed.y ?? 0)}`,
            },
          },
        },
      },
    });
    this.details = this.figure.figure.querySelector('details');
    this.details?.addEventListener('toggle', () => this.renderTable());
  }

  /** Appends points to the series `label`, adding the series the first time it appears. */
  append(label: string, points: readonly XY[]): void {
    if (points.length === 0) return;
    const datasets = this.chart.data.datasets;
    let dataset = datasets.find((d) => d.label === label);
    if (!dataset) {
      const index = datasets.length;
      const color = this.colors[index % this.colors.length]!;
      const axis = this.options.axisPerSeries ? `y${index}` : 'y';
      dataset = {
        label,
        data: [],
        yAxisID: axis,
        borderColor: color,
        backgroundColor: color,
        borderWidth: 1.5,
        // Sparse series (a validation loss once per epoch) show their points; dense ones only the line.
        pointRadius: (context) => ((context.dataset.data as unknown[]).length < 50 ? 2.5 : 0),
        pointHoverRadius: 4,
      };
      datasets.push(dataset);
      if (this.options.axisPerSeries) {
        const scales = (this.chart.options.scales ??= {});
        scales[axis] = {
          type: 'linear',
          position: index % 2 === 0 ? 'left' : 'right',
          title: { display: true, text: label, color },
          ticks: { color, callback: (value) => this.options.formatY(Number(value)) },
          // Only the first axis draws grid lines: several grids on one chart are unreadable.
          grid: { drawOnChartArea: index === 0 },
        };
      }
    }
    dataset.data = appendCapped(dataset.data, points);
  }

  /** Redraws with the appended points (no animation, no re-creation) and refreshes an open data table. */
  refresh(): void {
    this.chart.update('none');
    if (this.details?.open) this.renderTable();
  }

  private renderTable(): void {
    if (!this.details?.open) return;
    const datasets = this.chart.data.datasets;
    const rows = new Map<number, string[]>();
    datasets.forEach((dataset, column) => {
      for (const point of dataset.data) {
        let row = rows.get(point.x);
        if (!row) {
          row = datasets.map(() => '');
          rows.set(point.x, row);
        }
        row[column] = this.options.formatY(point.y);
      }
    });
    const xs = [...rows.keys()].sort((a, b) => a - b);
    const stride = Math.max(1, Math.ceil(xs.length / MAX_TABLE_ROWS));
    const shown = xs.filter((_, i) => i % stride === 0 || i === xs.length - 1);
    this.figure.setData(
      [this.options.xTitle, ...datasets.map((d) => d.label ?? '')],
      shown.map((x) => [this.options.formatX(x), ...rows.get(x)!]),
    );
  }
}
