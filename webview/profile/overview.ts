/** The Overview view: KPIs, the step-time breakdown per step (stacked bars) and on average (doughnut), devices. */
import type { ProfileView } from '../../src/protocol/profileView';
import { Chart, palette } from '../shared/charts';
import { el } from '../shared/dom';
import { createFigure } from '../shared/figure';
import { formatBytes, formatCount, formatMs, formatPercent } from '../shared/format';
import { readNotes } from './readNotes';
import { renderHta } from './hta';

/** One KPI tile; `value` is the raw number the text shows (tests compare it with the analysis JSON). */
function kpi(id: string, label: string, text: string, value: number, detail?: string): HTMLElement {
  const tile = el('div', 'kpi');
  tile.id = `kpi-${id}`;
  tile.dataset['value'] = String(value);
  tile.append(el('div', 'label', label), el('div', 'value', text));
  if (detail) tile.append(el('div', 'detail muted', detail));
  return tile;
}

/** Peak memory: allocated (traces) against the device, or tensor bytes and resident memory (TrainLens runs). */
function memoryKpi(view: ProfileView): HTMLElement {
  const peak = view.report.memory!.peakBytes;
  const capacity = view.memorySummary?.capacity;
  if (view.report.source === 'trainlens') {
    const rssPeak = view.memorySummary?.peakRssBytes;
    return kpi(
      'memory',
      'Peak tensor memory',
      formatBytes(peak),
      peak,
      rssPeak !== undefined
        ? `process ${formatBytes(rssPeak)}${capacity ? ` (${formatPercent((100 * rssPeak) / capacity.bytes)} of the limit)` : ''}`
        : undefined,
    );
  }
  return kpi(
    'memory',
    'Peak memory',
    formatBytes(peak),
    peak,
    capacity ? `${formatPercent((100 * peak) / capacity.bytes)} of ${capacity.label.toLowerCase()}` : undefined,
  );
}

/** Renders the overview into `root`; returns the charts so the caller can destroy them. */
export function renderOverview(root: HTMLElement, view: ProfileView): Chart[] {
  const { report } = view;
  const tiles = el('div', 'kpis');
  tiles.setAttribute('role', 'list');
  const items = [
    kpi(
      'step',
      'Mean step',
      formatMs(report.steps.meanMs),
      report.steps.meanMs,
      `p50 ${formatMs(report.steps.p50Ms)} · p90 ${formatMs(report.steps.p90Ms)}`,
    ),
    kpi('steps', 'Steps analysed', formatCount(report.steps.count), report.steps.count),
    ...(view.samplesPerSec !== undefined
      ? [kpi('throughput', 'Samples/s', formatCount(Math.round(view.samplesPerSec)), view.samplesPerSec)]
      : []),
    ...(report.gpuUtilizationPercent !== undefined
      ? [
          kpi(
            'gpu',
            'GPU utilization',
            formatPercent(report.gpuUtilizationPercent),
            report.gpuUtilizationPercent,
            report.smEfficiencyPercent !== undefined
              ? `est. SM efficiency ${formatPercent(report.smEfficiencyPercent)}`
              : undefined,
          ),
        ]
      : []),
    ...(report.memory ? [memoryKpi(view)] : []),
    kpi('findings', 'Findings', formatCount(report.findings.length), report.findings.length),
  ];
  for (const item of items) item.setAttribute('role', 'listitem');
  tiles.append(...items);
  root.append(tiles);
  if (report.steps.note) root.append(el('p', 'note muted', `Note: ${report.steps.note}.`));
  root.append(...readNotes(report));

  const colors = palette();
  const charts: Chart[] = [];
  const row = el('div', 'chart-row');
  // Per step, stacked by category.
  const perStep = createFigure(
    'breakdown-steps',
    'Step time by category',
    `Stacked bars, one per step (${view.steps.length}), of the time in each category: ${view.categories.join(', ')}.`,
  );
  perStep.figure.classList.add('wide');
  perStep.setData(
    ['Step', ...view.categories.map((c) => `${c} (ms)`), 'Total (ms)'],
    view.steps.map((s) => [
      s.name,
      ...s.breakdownUs.map((us) => (us / 1000).toFixed(3)),
      (s.durationUs / 1000).toFixed(3),
    ]),
  );
  charts.push(
    new Chart(perStep.canvas, {
      type: 'bar',
      data: {
        labels: view.steps.map((s) => s.name),
        datasets: view.categories.map((category, i) => ({
          label: category,
          data: view.steps.map((s) => s.breakdownUs[i]! / 1000),
          backgroundColor: colors[i % colors.length]!,
          stack: 'step',
        })),
      },
      options: {
        scales: {
          x: { stacked: true, title: { display: true, text: 'step' } },
          y: { stacked: true, title: { display: true, text: 'ms' } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    }),
  );
  // The mean step as a doughnut.
  const summary = createFigure(
    'breakdown-summary',
    'Mean step breakdown',
    report.breakdown.map((b) => `${b.category} ${formatPercent(b.percent)}`).join(', '),
  );
  summary.setData(
    ['Category', 'ms per step', '% of step'],
    report.breakdown.map((b) => [b.category, b.ms.toFixed(3), b.percent.toFixed(2)]),
  );
  charts.push(
    new Chart(summary.canvas, {
      type: 'doughnut',
      data: {
        labels: report.breakdown.map((b) => b.category),
        datasets: [
          {
            data: report.breakdown.map((b) => b.ms),
            backgroundColor: report.breakdown.map((_, i) => colors[i % colors.length]!),
            borderWidth: 0,
          },
        ],
      },
      options: { plugins: { legend: { position: 'right' } }, cutout: '55%' },
    }),
  );
  row.append(perStep.figure, summary.figure);
  root.append(row);

  // The breakdown as a table, the numbers the CLI prints.
  root.append(el('h2', undefined, 'Breakdown'));
  const table = el('table', 'breakdown');
  table.id = 'breakdown-table';
  const head = el('tr');
  for (const h of ['Category', 'Mean per step', '% of step']) head.append(el('th', undefined, h));
  const body = el('tbody');
  for (const b of report.breakdown) {
    const tr = el('tr');
    tr.dataset['category'] = b.category;
    const ms = el('td', 'num', formatMs(b.ms));
    ms.dataset['value'] = String(b.ms);
    const pct = el('td', 'num', formatPercent(b.percent));
    pct.dataset['value'] = String(b.percent);
    tr.append(el('td', undefined, b.category), ms, pct);
    body.append(tr);
  }
  const thead = el('thead');
  thead.append(head);
  table.append(thead, body);
  root.append(table);

  renderHta(root, report.hta);

  root.append(el('h2', undefined, 'Environment'));
  const env = el('table', 'environment');
  env.id = 'environment-table';
  const envBody = el('tbody');
  for (const [label, value] of view.environment) {
    const tr = el('tr');
    const th = el('th', undefined, label);
    th.scope = 'row';
    tr.append(th, el('td', undefined, value));
    envBody.append(tr);
  }
  env.append(envBody);
  root.append(env);
  return charts;
}
