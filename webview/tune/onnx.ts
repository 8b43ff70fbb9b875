/**
 * The tuning panel's ONNX case: the status while the session trials run, then every trial (its session settings,
 * p50/p90 latency, throughput, status), the default against the best with the speedup, and the best settings as
 * JavaScript and Python code, each with Copy. Copy posts the language only; the host copies its own snippet.
 */
import type { OnnxSessionOptions, OnnxTrial, OnnxTuning } from '../../src/protocol/onnx';
import type { OnnxTuneUpdateMessage, SnippetLanguage, WebviewToHostMessage } from '../../src/protocol/webview';
import { el } from '../shared/dom';
import { formatCount, formatMs } from '../shared/format';
import { createButton, createTag } from '../shared/toolkit';

/** The mounted ONNX view: render a state, and confirm a copy. */
export interface OnnxTuningView {
  render(update: OnnxTuneUpdateMessage): void;
  copied(language: SnippetLanguage): void;
}

const LANGUAGES: ReadonlyArray<{ readonly id: SnippetLanguage; readonly label: string }> = [
  { id: 'javascript', label: 'JavaScript (onnxruntime-node)' },
  { id: 'python', label: 'Python (onnxruntime)' },
];

/** The settings of a trial in words: only what differs from ONNX Runtime's defaults. */
export function sessionSettings(options: OnnxSessionOptions, batch?: number): string {
  const parts = [`provider=${options.provider}`];
  if (options.intraOpThreads !== undefined) parts.push(`intra=${options.intraOpThreads}`);
  if (options.interOpThreads !== undefined) parts.push(`inter=${options.interOpThreads}`);
  if (options.executionMode) parts.push(`mode=${options.executionMode}`);
  if (options.graphOptimizationLevel) parts.push(`graph=${options.graphOptimizationLevel}`);
  if (options.enableMemPattern !== undefined) parts.push(`memPattern=${String(options.enableMemPattern)}`);
  if (options.enableCpuMemArena !== undefined) parts.push(`cpuArena=${String(options.enableCpuMemArena)}`);
  if (options.allowSpinning !== undefined) parts.push(`spinning=${String(options.allowSpinning)}`);
  if (batch !== undefined) parts.push(`batch=${batch}`);
  return parts.join(' ');
}

/** Replaces the page's content with the ONNX view; the training-config view is not used in this panel. */
export function mountOnnxTuning(app: HTMLElement, post: (message: WebviewToHostMessage) => void): OnnxTuningView {
  const title = el('h1', undefined, 'TrainLens tuning');
  const status = el('p', 'muted');
  status.id = 'tune-status';
  status.setAttribute('role', 'status');
  const kpis = el('div', 'kpis');
  const toolbar = el('div', 'toolbar');
  const cancel = createButton('Cancel', () => {
    cancel.setAttribute('disabled', '');
    post({ type: 'tune/cancel' });
  });
  cancel.id = 'tune-cancel';
  toolbar.append(cancel);
  const best = el('p');
  best.id = 'tune-best';
  const table = el('table', 'trials');
  table.id = 'tune-trials';
  const snippets = el('section');
  snippets.id = 'tune-snippet';
  const copyStatus = el('p', 'muted');
  copyStatus.id = 'tune-copied';
  copyStatus.setAttribute('role', 'status');
  app.replaceChildren(title, status, kpis, toolbar, best, table, snippets);

  return {
    render(update) {
      title.textContent = `Tuning ${update.title}`;
      status.replaceChildren(createTag(update.status), ` ${update.message ?? ''}`);
      if (update.status === 'running') cancel.removeAttribute('disabled');
      else cancel.setAttribute('disabled', '');
      const tuning = update.tuning;
      kpis.replaceChildren(...(tuning ? tuningKpis(tuning) : []));
      best.textContent = tuning
        ? `Best: ${sessionSettings(tuning.best.options, tuning.best.batch)}${tuning.optionsFile ? ` (options file ${tuning.optionsFile})` : ''}`
        : '';
      best.hidden = !tuning;
      table.replaceChildren(...(tuning ? trialRows(tuning) : []));
      table.hidden = !tuning;
      snippets.replaceChildren(...(tuning ? snippetBlocks(tuning, post, copyStatus) : []));
      snippets.hidden = !tuning;
    },
    copied(language) {
      const label = LANGUAGES.find((l) => l.id === language)?.label ?? language;
      copyStatus.textContent = `Copied the ${label} snippet.`;
    },
  };
}

function kpi(id: string, label: string, value: string): HTMLElement {
  const tile = el('div', 'kpi');
  tile.id = `kpi-${id}`;
  tile.append(el('div', 'label', label), el('div', 'value', value));
  return tile;
}

function tuningKpis(tuning: OnnxTuning): HTMLElement[] {
  const p50 = (t: OnnxTrial) => (t.latencyMs ? formatMs(t.latencyMs.p50) : '–');
  const throughput = (t: OnnxTrial) => (t.latencyMs ? `${formatCount(Math.round(t.latencyMs.throughput))}/s` : '–');
  const value = tuning.objective === 'latency' ? p50 : throughput;
  return [
    kpi('trials', 'Trials', formatCount(tuning.trials.length)),
    kpi('default', `Default (${tuning.objective === 'latency' ? 'p50' : 'throughput'})`, value(tuning.default)),
    kpi('best', `Best (${tuning.objective === 'latency' ? 'p50' : 'throughput'})`, value(tuning.best)),
    kpi('speedup', 'Speedup', `${Number(tuning.speedup.toFixed(2))}×`),
  ];
}

function trialRows(tuning: OnnxTuning): HTMLElement[] {
  const head = el('thead');
  const hr = el('tr');
  for (const h of ['#', 'status', 'p50 ms', 'p90 ms', 'inferences/s', 'settings']) hr.append(el('th', undefined, h));
  head.append(hr);
  const body = el('tbody');
  for (const t of tuning.trials) {
    const tr = el('tr', t.id === tuning.best.id ? 'best' : undefined);
    tr.dataset['trial'] = String(t.id);
    tr.dataset['status'] = t.status;
    if (t.id === tuning.default.id) tr.dataset['default'] = '';
    const settings = sessionSettings(t.options, t.batch);
    const role = t.id === tuning.default.id ? ' (default)' : t.id === tuning.best.id ? ' (best)' : '';
    tr.append(
      el('td', 'num', String(t.id)),
      el('td', undefined, t.status),
      el('td', 'num', t.latencyMs ? t.latencyMs.p50.toFixed(3) : '–'),
      el('td', 'num', t.latencyMs ? t.latencyMs.p90.toFixed(3) : '–'),
      el('td', 'num', t.latencyMs ? formatCount(Math.round(t.latencyMs.throughput)) : '–'),
      el('td', undefined, `${settings}${role}${t.reason ? ` (${t.reason})` : ''}`),
    );
    body.append(tr);
  }
  return [head, body];
}

function snippetBlocks(
  tuning: OnnxTuning,
  post: (message: WebviewToHostMessage) => void,
  copyStatus: HTMLElement,
): HTMLElement[] {
  copyStatus.textContent = '';
  const blocks = LANGUAGES.map(({ id, label }) => {
    const block = el('div', 'snippet');
    const header = el('div', 'snippet-header');
    const copy = createButton('Copy', () => post({ type: 'tune/copy', language: id }));
    copy.id = `snippet-copy-${id}`;
    copy.setAttribute('aria-label', `Copy the ${label} snippet`);
    header.append(el('h3', undefined, label), copy);
    const code = el('pre', 'diff');
    code.id = `snippet-${id}`;
    code.textContent = tuning.snippet[id];
    block.append(header, code);
    return block;
  });
  return [el('h2', undefined, 'The best settings as code'), ...blocks, copyStatus];
}
