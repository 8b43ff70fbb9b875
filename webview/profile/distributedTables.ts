/**
 * The Distributed view's tables: one row per rank (sortable, scrollable with a sticky header, so 128 ranks stay
 * readable; the straggler's row marked) and one row per collective type.
 */
import type { CollectiveRow, DistributedReport, RankRow } from '../../src/protocol/distributed';
import { el } from '../shared/dom';
import { formatBytes, formatCount, formatMs, formatPercent } from '../shared/format';
import { createButton, createTag } from '../shared/toolkit';
import type { DistributedActions } from './distributed';

/** One column of the rank table: its header, the number it sorts by and how it reads. */
interface RankColumn {
  readonly key: string;
  readonly label: string;
  readonly value: (rank: RankRow) => number | undefined;
  readonly text: (value: number) => string;
}

/**
 * The table's columns. A job without GPU kernels (Gloo on CPUs) has no computation kernels and no overlap to show:
 * its communication is the collectives' CPU time, and the column says so.
 */
function rankColumns(categories: readonly string[], ranks: readonly RankRow[]): RankColumn[] {
  const kernels = ranks.some((r) => r.computationMs > 0 || r.overlapPercent !== undefined);
  const communication: RankColumn = {
    key: 'communicationMs',
    label: kernels ? 'Comm kernels' : 'Collectives (CPU)',
    value: (r) => r.communicationMs,
    text: formatMs,
  };
  const device: RankColumn[] = [
    { key: 'computationMs', label: 'Compute kernels', value: (r) => r.computationMs, text: formatMs },
    { key: 'overlapPercent', label: 'Overlap', value: (r) => r.overlapPercent, text: formatPercent },
  ];
  return [
    { key: 'rank', label: 'Rank', value: (r) => r.rank, text: String },
    { key: 'meanStepMs', label: 'Mean step', value: (r) => r.meanStepMs, text: formatMs },
    { key: 'steps', label: 'Steps', value: (r) => r.steps, text: formatCount },
    ...categories.map((category) => ({
      key: `category:${category}`,
      label: category,
      value: (r: RankRow) => r.breakdown.find((b) => b.category === category)?.ms ?? 0,
      text: formatMs,
    })),
    communication,
    ...(kernels ? device : []),
  ];
}

/** A sortable header cell: a button that sorts by its column, and `aria-sort` saying how the table is sorted. */
function sortHeader(label: string, key: string, onSort: (key: string) => void): HTMLTableCellElement {
  const th = el('th', key === 'rank' ? undefined : 'num');
  th.scope = 'col';
  th.dataset['column'] = key;
  const button = el('button', 'sort', label);
  button.type = 'button';
  button.addEventListener('click', () => onSort(key));
  th.append(button);
  return th;
}

/** One rank's row; the straggler's says so in words too (not by colour alone). */
function rankRow(
  rank: RankRow,
  columns: readonly RankColumn[],
  straggler: number | undefined,
  actions: DistributedActions,
): HTMLTableRowElement {
  const tr = el('tr');
  tr.dataset['rank'] = String(rank.rank);
  tr.title = rank.file;
  for (const column of columns) {
    const value = column.value(rank);
    if (column.key === 'rank') {
      const th = el('th', undefined, String(rank.rank));
      th.scope = 'row';
      if (rank.rank === straggler) {
        tr.classList.add('straggler');
        th.append(' ', createTag('straggler'));
      }
      tr.append(th);
      continue;
    }
    const td = el('td', 'num', value === undefined ? '–' : column.text(value));
    td.dataset['column'] = column.key;
    if (value !== undefined) td.dataset['value'] = String(value);
    tr.append(td);
  }
  if (actions.openRank) {
    const td = el('td');
    const open = createButton('Open', () => actions.openRank!(rank.rank));
    open.setAttribute('aria-label', `Open the profile of rank ${rank.rank}`);
    td.append(open);
    tr.append(td);
  }
  return tr;
}

/** The per-rank table, sorted by rank at first; a header click sorts by its column (again: the other way). */
export function renderRankTable(
  report: DistributedReport,
  categories: readonly string[],
  actions: DistributedActions,
): HTMLElement {
  const columns = rankColumns(categories, report.ranks);
  let sortKey = 'rank';
  let descending = false;
  const table = el('table', 'ranks');
  table.id = 'ranks-table';
  table.setAttribute('aria-label', `Ranks of the job (${report.ranks.length})`);
  const headRow = el('tr');
  const headers = columns.map((c) => sortHeader(c.label, c.key, sort));
  headRow.append(...headers);
  if (actions.openRank) {
    const th = el('th', undefined, 'Profile');
    th.scope = 'col';
    headRow.append(th);
  }
  const thead = el('thead');
  thead.append(headRow);
  const tbody = el('tbody');
  table.append(thead, tbody);

  function sort(key: string): void {
    descending = sortKey === key ? !descending : key !== 'rank';
    sortKey = key;
    update();
  }
  function update(): void {
    const column = columns.find((c) => c.key === sortKey)!;
    const direction = descending ? -1 : 1;
    const rows = [...report.ranks].sort(
      (a, b) => direction * ((column.value(a) ?? -1) - (column.value(b) ?? -1)) || a.rank - b.rank,
    );
    for (const th of headers)
      th.setAttribute(
        'aria-sort',
        th.dataset['column'] === sortKey ? (descending ? 'descending' : 'ascending') : 'none',
      );
    tbody.replaceChildren(...rows.map((r) => rankRow(r, columns, report.straggler?.rank, actions)));
  }
  update();
  const scroll = el('div', 'table-scroll');
  scroll.tabIndex = 0;
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-label', 'Ranks table, scrollable');
  scroll.append(table);
  return scroll;
}

/** The collectives over the job: type, calls, total and mean time, bytes moved where the traces say. */
export function renderCollectives(collectives: readonly CollectiveRow[]): HTMLElement {
  if (collectives.length === 0) {
    const none = el('p', 'muted', 'No collective operations in these traces.');
    none.id = 'collectives-none';
    return none;
  }
  const table = el('table', 'collectives');
  table.id = 'collectives-table';
  table.setAttribute('aria-label', 'Collectives of the job');
  const head = el('tr');
  for (const [label, numeric] of [
    ['Type', false],
    ['Calls', true],
    ['Total', true],
    ['Mean', true],
    ['Bytes', true],
    ['Names', false],
  ] as const) {
    const th = el('th', numeric ? 'num' : undefined, label);
    th.scope = 'col';
    head.append(th);
  }
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const c of collectives) {
    const tr = el('tr');
    tr.dataset['type'] = c.type;
    const th = el('th', undefined, c.type);
    th.scope = 'row';
    tr.append(th);
    const cells: Array<[string, number | undefined, string]> = [
      ['calls', c.calls, formatCount(c.calls)],
      ['totalMs', c.totalMs, formatMs(c.totalMs)],
      ['meanMs', c.meanMs, formatMs(c.meanMs)],
      ['bytes', c.bytes, c.bytes === undefined ? '–' : formatBytes(c.bytes)],
    ];
    for (const [key, value, text] of cells) {
      const td = el('td', 'num', text);
      td.dataset['column'] = key;
      if (value !== undefined) td.dataset['value'] = String(value);
      tr.append(td);
    }
    const names = el('td', 'name', c.names.join(', '));
    names.title = c.names.join('\n');
    tr.append(names);
    tbody.append(tr);
  }
  table.append(thead, tbody);
  return table;
}
