/**
 * The overview's "GPU time (HTA)" section: Holistic Trace Analysis's temporal breakdown (idle, compute,
 * non-compute), its idle time split per stream and the kernel launch statistics, from the analysis report.
 */
import type { HtaAnalysis } from '../../src/protocol/analysis';
import { el } from '../shared/dom';
import { formatCount, formatPercent, formatUs } from '../shared/format';

/** Streams shown (the JSON has them all). */
const SHOWN_STREAMS = 12;

/** A table with a header row and body rows; each cell is text, or [text, raw value] for `data-value`. */
function table(id: string, caption: string, headers: string[], rows: Array<Array<string | [string, number]>>) {
  const t = el('table', 'breakdown');
  t.id = id;
  t.append(el('caption', 'muted', caption));
  const head = el('tr');
  for (const h of headers) head.append(el('th', undefined, h));
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    for (const cell of row) {
      if (typeof cell === 'string') tr.append(el('td', undefined, cell));
      else {
        const td = el('td', 'num', cell[0]);
        td.dataset['value'] = String(cell[1]);
        tr.append(td);
      }
    }
    body.append(tr);
  }
  t.append(thead, body);
  return t;
}

const share = (value: number): [string, number] => [formatPercent(100 * value), value];
const part = (count: number, of: number): [string, number] => [
  `${formatCount(count)} (${formatPercent(of > 0 ? (100 * count) / of : 0)})`,
  count,
];

/** Renders the section into `root`, when the report has an HTA analysis. */
export function renderHta(root: HTMLElement, hta: HtaAnalysis | undefined): void {
  if (!hta) return;
  const section = el('section', 'hta');
  section.id = 'hta';
  const t = hta.temporal;
  section.append(
    el('h2', undefined, 'GPU time (HTA)'),
    el(
      'p',
      'note muted',
      `As Holistic Trace Analysis computes it${hta.rank !== undefined ? ` for rank ${hta.rank}` : ''}, over the GPU's span of ${formatUs(t.spanUs)}${hta.lastStepDropped ? ', without the last profiler step' : ''}.`,
    ),
    table(
      'hta-temporal',
      'Temporal breakdown',
      ['Category', 'Time', '% of span'],
      [
        ['idle', [formatUs(t.idleUs), t.idleUs], [formatPercent(t.idlePercent), t.idlePercent]],
        ['compute', [formatUs(t.computeUs), t.computeUs], [formatPercent(t.computePercent), t.computePercent]],
        [
          'non-compute',
          [formatUs(t.nonComputeUs), t.nonComputeUs],
          [formatPercent(t.nonComputePercent), t.nonComputePercent],
        ],
      ],
    ),
    table(
      'hta-idle',
      `Idle time per stream: host wait (the CPU launched late), kernel wait (gaps under ${hta.idle.consecutiveKernelDelayUs} µs), other`,
      ['Stream', 'Idle', 'Host wait', 'Kernel wait', 'Other'],
      hta.idle.streams
        .slice(0, SHOWN_STREAMS)
        .map((s) => [
          String(s.stream),
          [formatUs(s.idleUs), s.idleUs],
          share(s.hostWaitShare),
          share(s.kernelWaitShare),
          share(s.otherShare),
        ]),
    ),
  );
  const l = hta.launches;
  if (l.launches > 0)
    section.append(
      table(
        'hta-launches',
        'Kernel launches (each launch call and the GPU work it started)',
        [
          'Launches',
          `Short (call ≤ ${l.runtimeCutoffUs} µs, longer than its kernel)`,
          `Calls > ${l.runtimeCutoffUs} µs`,
          `Delay > ${l.launchDelayCutoffUs} µs`,
          'Delay p50',
          'p90',
          'p99',
        ],
        [
          [
            [formatCount(l.launches), l.launches],
            part(l.shortKernels, l.launches),
            part(l.longRuntime, l.launches),
            part(l.longDelays, l.launches),
            [formatUs(l.delayP50Us), l.delayP50Us],
            [formatUs(l.delayP90Us), l.delayP90Us],
            [formatUs(l.delayP99Us), l.delayP99Us],
          ],
        ],
      ),
    );
  root.append(section);
}
