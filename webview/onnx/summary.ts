/**
 * The sections of the ONNX model editor's summary: tables of inputs and outputs (symbolic dims named), opsets, op
 * types, ONNX Runtime's graph optimizations, external data and execution providers. DOM builders only.
 */
import type { OnnxDim, OnnxModelSummary, OnnxProviderInfo, OnnxValueInfo } from '../../src/protocol/onnx';
import { el } from '../shared/dom';
import { formatBytes, formatCount } from '../shared/format';

type Cell = string | Node;

/** A table with a caption for screen readers, column headers and one row per entry. */
export function table(
  id: string,
  label: string,
  headers: readonly string[],
  rows: readonly Cell[][],
): HTMLTableElement {
  const node = el('table');
  node.id = id;
  node.setAttribute('aria-label', label);
  const head = el('tr');
  for (const header of headers) {
    const th = el('th', undefined, header);
    th.scope = 'col';
    head.append(th);
  }
  node.append(el('thead'), el('tbody'));
  node.tHead?.append(head);
  for (const cells of rows) {
    const tr = el('tr');
    for (const cell of cells) {
      const td = el('td');
      td.append(cell);
      tr.append(td);
    }
    node.tBodies[0]?.append(tr);
  }
  return node;
}

/** A section: a heading and its content. */
export function section(title: string, ...content: Node[]): HTMLElement {
  const node = el('section');
  node.append(el('h2', undefined, title), ...content);
  return node;
}

/** A shape as `1×3×224×224`; a symbolic dim shows its name (`batch×3×224×224`), marked as symbolic. */
export function shapeCell(shape: readonly OnnxDim[]): HTMLElement {
  const cell = el('span', 'shape');
  if (shape.length === 0) {
    cell.textContent = 'scalar';
    return cell;
  }
  shape.forEach((dim, index) => {
    if (index > 0) cell.append('×');
    if (typeof dim === 'number') cell.append(String(dim));
    else {
      const symbolic = el('span', 'symbolic', dim);
      symbolic.title =
        dim === '?' ? 'an unnamed symbolic dim' : `symbolic dim "${dim}": set its size in trainlens.onnx.dims`;
      cell.append(symbolic);
    }
  });
  return cell;
}

/** Inputs or outputs: name, type and shape. */
export function valuesTable(id: string, label: string, values: readonly OnnxValueInfo[]): HTMLElement {
  return table(
    id,
    label,
    ['Name', 'Type', 'Shape'],
    values.map((v) => {
      const row: Cell[] = [el('code', undefined, v.name), v.dtype, shapeCell(v.shape)];
      return row;
    }),
  );
}

/** The op types of the graph, most nodes first. */
export function opTypesSection(summary: OnnxModelSummary): HTMLElement {
  const rows = summary.opTypes.map((o) => [el('code', undefined, o.opType), o.domain, formatCount(o.count)]);
  return section('Nodes by op type', table('onnx-ops', 'Nodes by op type', ['Op type', 'Domain', 'Nodes'], rows));
}

/** What ONNX Runtime's graph optimizations changed, when they ran. */
export function optimizedSection(summary: OnnxModelSummary): HTMLElement | undefined {
  const optimized = summary.optimized;
  if (!optimized) return undefined;
  const text = el(
    'p',
    undefined,
    `Graph optimization level "${optimized.level}": ${formatCount(summary.nodes)} nodes in the file, ` +
      `${formatCount(optimized.nodes)} after optimization.`,
  );
  text.id = 'onnx-optimized-nodes';
  const rows = optimized.changed.map((c) => [
    el('code', undefined, c.opType),
    formatCount(c.before),
    formatCount(c.after),
  ]);
  return section(
    'After ONNX Runtime’s graph optimizations',
    text,
    ...(rows.length > 0
      ? [table('onnx-optimized', 'Op types optimization changed', ['Op type', 'In the file', 'Optimized'], rows)]
      : []),
  );
}

/** External-data files and whether each is next to the model. */
export function externalDataSection(summary: OnnxModelSummary): HTMLElement {
  if (summary.externalData.length === 0) {
    const none = el('p', 'muted', 'None: every initializer is stored inside the model file.');
    none.id = 'onnx-external';
    return section('External data', none);
  }
  const rows = summary.externalData.map((file) => {
    const present = el('span', file.present ? 'present' : 'missing error', file.present ? 'present' : 'missing');
    return [el('code', undefined, file.file), formatBytes(file.bytes), present];
  });
  return section(
    'External data',
    table('onnx-external', 'External data files', ['File', 'Size', 'Next to the model'], rows),
  );
}

/** The execution providers of this machine's ONNX Runtime, with why not when one is unavailable. */
export function providersSection(providers: readonly OnnxProviderInfo[]): HTMLElement {
  const rows = providers.map((p) => [
    el('code', undefined, p.name),
    el('span', p.available ? 'present' : 'muted', p.available ? 'available' : 'unavailable'),
    el('span', 'muted', p.reason ?? ''),
  ]);
  return section(
    'Execution providers',
    table('onnx-providers', 'Execution providers', ['Provider', 'Status', 'Why not'], rows),
  );
}
