/**
 * The Memory view: the memory curves with chart.js's min/max decimation (a million samples draw as a few thousand
 * points), wheel and button zoom, the peak marked, the capacity it is compared with, and what was live at the peak.
 */
import type { ChartDataset, ScatterDataPoint } from 'chart.js';
import type { ProfileView } from '../../src/protocol/profileView';
import { Chart, palette, themeColor } from '../shared/charts';
import { el } from '../shared/dom';
import { createFigure } from '../shared/figure';
import { formatBytes, formatMs } from '../shared/format';
import { createButton } from '../shared/toolkit';
import { maxOf } from '../../src/common/stats';

/** What the memory view exposes to tests and benchmarks. */
export interface MemoryHandle {
  readonly chart: Chart;
  /** Shows [fromMs, toMs] of the x axis. */
  zoom(fromMs: number, toMs: number): void;
  reset(): void;
}

/** Renders the memory view; undefined when the profile has no memory samples. */
export function renderMemory(root: HTMLElement, view: ProfileView): MemoryHandle | undefined {
  const memory = view.memory;
  if (!memory) {
    root.append(el('p', 'muted', 'This profile has no memory samples.'));
    return undefined;
  }
  const colors = palette();
  const xs = memory.tUs.map((t) => t / 1000);
  const extent = { min: xs[0] ?? 0, max: xs.at(-1) ?? 1 };
  const GiB = 1024 ** 3;
  const unit =
    maxOf(
      memory.series.map((s) => maxOf(s.bytes, 0)),
      0,
    ) >= GiB
      ? GiB
      : 1024 ** 2;
  const unitName = unit === GiB ? 'GiB' : 'MiB';

  const summary = el('p', 'muted');
  summary.id = 'memory-summary';
  summary.dataset['peak'] = String(memory.peak.bytes);
  summary.textContent =
    `${memory.tUs.length.toLocaleString('en-US')} samples; peak ${formatBytes(memory.peak.bytes)} at ` +
    `${formatMs(memory.peak.tUs / 1000)}` +
    (memory.capacity ? `; ${capacityText(memory)}` : '');

  const figure = createFigure(
    'memory-chart',
    'Memory over time',
    `${memory.series.map((s) => s.label).join(', ')} in ${unitName} over ${formatMs(extent.max - extent.min)}; peak ${formatBytes(memory.peak.bytes)}.`,
    320,
  );
  figure.figure.classList.add('wide');
  const datasets: Array<ChartDataset<'line' | 'scatter', ScatterDataPoint[]>> = memory.series.map((series, i) => ({
    type: 'line' as const,
    label: series.label,
    data: series.bytes.map((b, j) => ({ x: xs[j]!, y: b / unit })),
    borderColor: colors[i % colors.length]!,
    backgroundColor: colors[i % colors.length]!,
    borderWidth: 1.5,
    pointRadius: 0,
    stepped: true,
  }));
  datasets.push({
    type: 'scatter' as const,
    label: 'Peak',
    data: [{ x: memory.peak.tUs / 1000, y: memory.peak.bytes / unit }],
    borderColor: themeColor('red'),
    backgroundColor: themeColor('red'),
    pointRadius: 5,
    pointHoverRadius: 7,
  });
  // The capacity line only when the curves come near it; otherwise it would flatten them (the summary names it).
  const highest = maxOf(
    memory.series.map((s) => maxOf(s.bytes, 0)),
    0,
  );
  if (memory.capacity && highest >= 0.25 * memory.capacity.bytes)
    datasets.push({
      type: 'line' as const,
      label: memory.capacity.label,
      data: [
        { x: extent.min, y: memory.capacity.bytes / unit },
        { x: extent.max, y: memory.capacity.bytes / unit },
      ],
      borderColor: themeColor('yellow'),
      borderDash: [6, 4],
      borderWidth: 1,
      pointRadius: 0,
    });
  const chart = new Chart(figure.canvas, {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      normalized: true,
      spanGaps: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', min: extent.min, max: extent.max, title: { display: true, text: 'ms' } },
        y: { beginAtZero: true, title: { display: true, text: unitName } },
      },
      plugins: {
        decimation: { enabled: true, algorithm: 'min-max' },
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label}: ${(item.parsed.y ?? 0).toFixed(2)} ${unitName}` },
        },
      },
    },
  });
  // A table of every 1/200th sample keeps the data readable without a million rows.
  const stride = Math.max(1, Math.ceil(xs.length / 200));
  figure.setData(
    ['ms', ...memory.series.map((s) => `${s.label} (${unitName})`)],
    xs
      .filter((_, i) => i % stride === 0)
      .map((x, k) => [x.toFixed(3), ...memory.series.map((s) => (s.bytes[k * stride]! / unit).toFixed(3))]),
  );

  const zoom = (fromMs: number, toMs: number) => {
    const min = Math.max(extent.min, Math.min(fromMs, toMs));
    const max = Math.min(extent.max, Math.max(fromMs, toMs));
    if (!(max > min)) return;
    chart.options.scales!['x']!.min = min;
    chart.options.scales!['x']!.max = max;
    chart.update('none');
    range.textContent = `${formatMs(min)} – ${formatMs(max)}`;
  };
  const reset = () => zoom(extent.min, extent.max);
  const current = () => ({ min: chart.scales['x']!.min, max: chart.scales['x']!.max });
  const zoomBy = (factor: number, center?: number) => {
    const { min, max } = current();
    const c = center ?? (min + max) / 2;
    zoom(c - (c - min) * factor, c + (max - c) * factor);
  };
  figure.canvas.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      zoomBy(event.deltaY < 0 ? 0.8 : 1.25, chart.scales['x']!.getValueForPixel(event.offsetX));
    },
    { passive: false },
  );
  figure.canvas.tabIndex = 0;
  figure.canvas.addEventListener('keydown', (event) => {
    if (event.key === '+' || event.key === '=') zoomBy(0.8);
    else if (event.key === '-') zoomBy(1.25);
    else if (event.key === '0') reset();
    else return;
    event.preventDefault();
  });
  const toolbar = el('div', 'toolbar');
  const range = el('span', 'muted');
  range.id = 'memory-range';
  toolbar.append(
    createButton('Zoom in', () => zoomBy(0.5)),
    createButton('Zoom out', () => zoomBy(2)),
    createButton('Reset zoom', reset),
    createButton('Zoom to peak', () => {
      const span = (extent.max - extent.min) / 20;
      zoom(memory.peak.tUs / 1000 - span, memory.peak.tUs / 1000 + span);
    }),
    range,
  );
  range.textContent = `${formatMs(extent.min)} – ${formatMs(extent.max)}`;
  root.append(summary, toolbar, figure.figure);

  if (memory.byCategoryAtPeak) {
    root.append(el('h2', undefined, 'Live at the peak'));
    const table = el('table', 'peak');
    table.id = 'peak-table';
    const head = el('thead');
    const hr = el('tr');
    for (const h of ['Category', 'Bytes', 'Share']) hr.append(el('th', undefined, h));
    head.append(hr);
    const body = el('tbody');
    const total = Object.values(memory.byCategoryAtPeak).reduce((a, b) => a + b, 0);
    for (const [category, bytes] of Object.entries(memory.byCategoryAtPeak).sort((a, b) => b[1] - a[1])) {
      const tr = el('tr');
      tr.dataset['category'] = category;
      const b = el('td', 'num', formatBytes(bytes));
      b.dataset['value'] = String(bytes);
      tr.append(el('td', undefined, category), b, el('td', 'num', `${((100 * bytes) / (total || 1)).toFixed(1)}%`));
      body.append(tr);
    }
    table.append(head, body);
    root.append(table);
  }
  return { chart, zoom, reset };
}

/**
 * The highest curve against the capacity: a run's resident memory against its limit (the limit applies to the
 * process), else the peak against the device's memory.
 */
function capacityText(memory: NonNullable<ProfileView['memory']>): string {
  const capacity = memory.capacity!;
  const rss = memory.series.find((s) => s.id === 'rss');
  const [label, bytes] = rss
    ? ['resident memory', rss.bytes.reduce((a, b) => Math.max(a, b), 0)]
    : ['peak', memory.peak.bytes];
  return `${label} ${formatBytes(bytes)} is ${((100 * bytes) / capacity.bytes).toFixed(1)}% of the ${capacity.label.toLowerCase()} (${formatBytes(capacity.bytes)})`;
}
