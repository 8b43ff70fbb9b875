/** The Operators view: kernels and CPU operators in a sortable, filterable table, and the top ones as bars. */
import type { OpStat, ProfileView } from '../../src/protocol/profileView';
import { Chart, palette } from '../shared/charts';
import { el } from '../shared/dom';
import { createFigure } from '../shared/figure';
import { formatCount, formatPercent, formatUs } from '../shared/format';
import { createTextField } from '../shared/toolkit';

type Column = 'name' | 'calls' | 'totalUs' | 'meanUs' | 'maxUs' | 'percentOfSteps';
const COLUMNS: ReadonlyArray<{ key: Column; label: string; numeric: boolean }> = [
  { key: 'name', label: 'Name', numeric: false },
  { key: 'calls', label: 'Calls', numeric: true },
  { key: 'totalUs', label: 'Total', numeric: true },
  { key: 'meanUs', label: 'Mean', numeric: true },
  { key: 'maxUs', label: 'Max', numeric: true },
  { key: 'percentOfSteps', label: '% of steps', numeric: true },
];
/** Rows drawn at once; the filter finds the rest. */
const MAX_ROWS = 300;
const TOP = 10;

/** Renders the operators view; returns the chart so the caller can destroy it. */
export function renderOperators(root: HTMLElement, view: ProfileView): Chart[] {
  const sets: Array<{ id: 'kernels' | 'operators'; label: string; ops: readonly OpStat[] }> = [
    { id: 'kernels' as const, label: 'GPU kernels', ops: view.kernels },
    { id: 'operators' as const, label: 'Operators', ops: view.operators },
  ].filter((s) => s.ops.length > 0);
  if (sets.length === 0) {
    root.append(el('p', 'muted', 'This profile has no operator or kernel timings.'));
    return [];
  }
  let current = sets[0]!;
  let sortKey: Column = 'totalUs';
  let descending = true;
  let filter = '';

  const toolbar = el('div', 'toolbar');
  if (sets.length > 1) {
    const group = el('div', 'segmented');
    group.setAttribute('role', 'radiogroup');
    group.setAttribute('aria-label', 'Table');
    for (const set of sets) {
      const button = el('button', 'segment', set.label);
      button.type = 'button';
      button.id = `ops-${set.id}`;
      button.setAttribute('role', 'radio');
      button.setAttribute('aria-checked', String(set === current));
      button.addEventListener('click', () => {
        current = set;
        for (const b of group.querySelectorAll('button')) b.setAttribute('aria-checked', String(b === button));
        update();
      });
      group.append(button);
    }
    toolbar.append(group);
  }
  const field = createTextField('Filter by name', (value) => {
    filter = value.toLowerCase();
    update();
  });
  field.id = 'ops-filter';
  toolbar.append(field);
  const count = el('span', 'muted');
  count.id = 'ops-count';
  toolbar.append(count);

  const table = el('table', 'ops');
  table.id = 'ops-table';
  const headRow = el('tr');
  const headers = new Map<Column, HTMLElement>();
  for (const column of COLUMNS) {
    const th = el('th', column.numeric ? 'num' : undefined);
    th.scope = 'col';
    const button = el('button', 'sort', column.label);
    button.type = 'button';
    button.dataset['column'] = column.key;
    button.addEventListener('click', () => {
      descending = sortKey === column.key ? !descending : column.numeric;
      sortKey = column.key;
      update();
    });
    th.append(button);
    headers.set(column.key, th);
    headRow.append(th);
  }
  const thead = el('thead');
  thead.append(headRow);
  const tbody = el('tbody');
  table.append(thead, tbody);

  const top = createFigure('ops-top', `Top ${TOP} by total time`, 'Horizontal bars of the longest total times.', 300);
  const colors = palette();
  const chart: Chart<'bar', number[], string> = new Chart(top.canvas, {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'total ms', data: [], backgroundColor: colors[0]! }] },
    options: {
      indexAxis: 'y',
      plugins: { legend: { display: false } },
      scales: {
        x: { title: { display: true, text: 'ms' } },
        y: { ticks: { callback: (_, i): string => shorten(String(chart.data.labels?.[i] ?? ''), 48) } },
      },
    },
  });

  function update(): void {
    const rows = current.ops.filter((op) => !filter || op.name.toLowerCase().includes(filter));
    const direction = descending ? -1 : 1;
    rows.sort((a, b) =>
      sortKey === 'name' ? direction * a.name.localeCompare(b.name) : direction * (a[sortKey] - b[sortKey]),
    );
    for (const [key, th] of headers)
      th.setAttribute('aria-sort', key === sortKey ? (descending ? 'descending' : 'ascending') : 'none');
    tbody.replaceChildren(
      ...rows.slice(0, MAX_ROWS).map((op) => {
        const tr = el('tr');
        const name = el('td', 'name', op.name);
        name.title = op.name;
        tr.append(name);
        const cells: Array<[number, string]> = [
          [op.calls, formatCount(op.calls)],
          [op.totalUs, formatUs(op.totalUs)],
          [op.meanUs, formatUs(op.meanUs)],
          [op.maxUs, formatUs(op.maxUs)],
          [op.percentOfSteps, formatPercent(op.percentOfSteps)],
        ];
        for (const [value, text] of cells) {
          const td = el('td', 'num', text);
          td.dataset['value'] = String(value);
          tr.append(td);
        }
        return tr;
      }),
    );
    count.textContent =
      rows.length > MAX_ROWS
        ? `${formatCount(rows.length)} rows, the first ${MAX_ROWS} shown`
        : `${formatCount(rows.length)} rows`;
    const best = [...current.ops].sort((a, b) => b.totalUs - a.totalUs).slice(0, TOP);
    chart.data.labels = best.map((op) => op.name);
    chart.data.datasets[0]!.data = best.map((op) => op.totalUs / 1000);
    chart.update('none');
    top.setData(
      ['Name', 'Total (ms)', 'Calls'],
      best.map((op) => [op.name, (op.totalUs / 1000).toFixed(3), String(op.calls)]),
    );
  }

  root.append(toolbar, table, top.figure);
  update();
  return [chart];
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
