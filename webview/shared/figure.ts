import { el } from './dom';

/** A chart's canvas with its accessible name and its data as a table (for screen readers and for copying). */
export interface Figure {
  readonly figure: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  /** Fills the data table: a header row and the rows (strings). */
  setData(header: readonly string[], rows: ReadonlyArray<readonly string[]>): void;
}

let figures = 0;

/**
 * Creates a chart figure: a titled canvas (role img, labelled by the title, described by the summary) and a
 * collapsible data table with the same numbers, so the chart is not the only way to read them.
 */
export function createFigure(id: string, title: string, summary: string, height = 260): Figure {
  const n = ++figures;
  const figure = el('figure', 'chart');
  figure.id = id;
  const caption = el('figcaption', undefined, title);
  caption.id = `figure-${n}-title`;
  const box = el('div', 'chart-box');
  box.style.height = `${height}px`;
  const canvas = el('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-labelledby', caption.id);
  const description = el('p', 'sr-only', summary);
  description.id = `figure-${n}-summary`;
  canvas.setAttribute('aria-describedby', description.id);
  box.append(canvas);
  const details = el('details', 'chart-data');
  details.append(el('summary', undefined, 'Data table'));
  const table = el('table');
  table.setAttribute('aria-label', `${title}: data`);
  details.append(table);
  figure.append(caption, box, description, details);
  return {
    figure,
    canvas,
    setData(header, rows) {
      const head = el('thead');
      const tr = el('tr');
      for (const h of header) {
        const th = el('th', undefined, h);
        th.scope = 'col';
        tr.append(th);
      }
      head.append(tr);
      const body = el('tbody');
      for (const row of rows) {
        const r = el('tr');
        for (const cell of row) r.append(el('td', undefined, cell));
        body.append(r);
      }
      table.replaceChildren(head, body);
    },
  };
}
