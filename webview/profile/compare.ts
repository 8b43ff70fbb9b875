/** The Compare view: two profiles' mean step, breakdown and operators side by side, with the changes. */
import type { CompareView } from '../../src/protocol/profileView';
import { Chart, palette } from '../shared/charts';
import { el } from '../shared/dom';
import { createFigure } from '../shared/figure';
import { formatUs } from '../shared/format';
import { createTag } from '../shared/toolkit';

const MAX_OPS = 200;

/** Renders the comparison; returns its chart. */
export function renderCompare(root: HTMLElement, view: CompareView): Chart[] {
  const { diff } = view;
  const header = el('p', 'muted', `Before: ${view.before.title} → after: ${view.after.title}`);
  const kpis = el('div', 'kpis');
  const tile = (id: string, label: string, text: string, value: number) => {
    const t = el('div', 'kpi');
    t.id = `kpi-${id}`;
    t.dataset['value'] = String(value);
    t.append(el('div', 'label', label), el('div', 'value', text));
    return t;
  };
  const change = diff.steps.ratio > 0 ? (diff.steps.ratio - 1) * 100 : 0;
  kpis.append(
    tile('before', 'Mean step before', formatUs(diff.steps.beforeUs), diff.steps.beforeUs),
    tile('after', 'Mean step after', formatUs(diff.steps.afterUs), diff.steps.afterUs),
    tile(
      'ratio',
      'Change',
      `${change > 0 ? '+' : ''}${change.toFixed(1)}% (${diff.steps.ratio > 0 ? (1 / diff.steps.ratio).toFixed(2) : '—'}× speed)`,
      diff.steps.ratio,
    ),
  );
  root.append(header, kpis);

  const colors = palette();
  const figure = createFigure(
    'compare-breakdown',
    'Breakdown per step, before and after',
    diff.breakdown.map((b) => `${b.category}: ${formatUs(b.beforeUs)} → ${formatUs(b.afterUs)}`).join('; '),
  );
  figure.figure.classList.add('wide');
  figure.setData(
    ['Category', 'Before (ms)', 'After (ms)', 'Δ (ms)'],
    diff.breakdown.map((b) => [
      b.category,
      (b.beforeUs / 1000).toFixed(3),
      (b.afterUs / 1000).toFixed(3),
      (b.deltaUs / 1000).toFixed(3),
    ]),
  );
  const chart = new Chart(figure.canvas, {
    type: 'bar',
    data: {
      labels: diff.breakdown.map((b) => b.category),
      datasets: [
        { label: 'before', data: diff.breakdown.map((b) => b.beforeUs / 1000), backgroundColor: colors[0]! },
        { label: 'after', data: diff.breakdown.map((b) => b.afterUs / 1000), backgroundColor: colors[1]! },
      ],
    },
    options: { scales: { y: { title: { display: true, text: 'ms per step' } } } },
  });
  root.append(figure.figure);

  root.append(el('h2', undefined, 'Operators and kernels (time per step)'));
  const table = el('table', 'ops');
  table.id = 'compare-ops';
  const head = el('thead');
  const hr = el('tr');
  for (const h of ['Name', 'Change', 'Before', 'After', 'Δ']) hr.append(el('th', undefined, h));
  head.append(hr);
  const body = el('tbody');
  for (const op of diff.ops.filter((o) => o.change !== 'same').slice(0, MAX_OPS)) {
    const tr = el('tr');
    tr.dataset['change'] = op.change;
    const name = el('td', 'name', op.name);
    name.title = op.name;
    const tagCell = el('td');
    tagCell.append(createTag(op.change));
    tr.append(
      name,
      tagCell,
      el('td', 'num', formatUs(op.beforeUs)),
      el('td', 'num', formatUs(op.afterUs)),
      el('td', 'num', `${op.deltaUs > 0 ? '+' : ''}${formatUs(op.deltaUs)}`),
    );
    body.append(tr);
  }
  table.append(head, body);
  root.append(table);
  return [chart];
}
