/**
 * The tuning panel: every trial as it finishes (a table and a samples/s-versus-memory scatter), then the baseline,
 * the best with its speedup, the diff of the YAML and Apply; Cancel while it runs. A panel tuning an ONNX model's
 * session gets `onnx-tune/update` instead and shows its own view (onnx.ts) in place of this one.
 */
import './tune.css';
import type { HostToWebviewMessage, TuneTrialView, TuneUpdateMessage } from '../../src/protocol/webview';
import { applyChartDefaults, Chart, themeColor } from '../shared/charts';
import { el } from '../shared/dom';
import { createFigure } from '../shared/figure';
import { formatBytes, formatCount } from '../shared/format';
import { createButton, createTag, registerToolkit } from '../shared/toolkit';
import { connectToHost } from '../shared/vscodeApi';
import { mountOnnxTuning, type OnnxTuningView } from './onnx';

registerToolkit();
applyChartDefaults();
const app = document.getElementById('app') as HTMLElement;
const host = connectToHost<Record<string, never>>(onMessage);

const title = el('h1', undefined, 'TrainLens tuning');
const status = el('p', 'muted');
status.id = 'tune-status';
status.setAttribute('role', 'status');
const kpis = el('div', 'kpis');
const toolbar = el('div', 'toolbar');
const apply = createButton('Apply', () => host.post({ type: 'tune/apply' }), 'primary');
apply.id = 'tune-apply';
apply.setAttribute('disabled', '');
const cancel = createButton('Cancel', () => {
  cancel.setAttribute('disabled', '');
  host.post({ type: 'tune/cancel' });
});
cancel.id = 'tune-cancel';
toolbar.append(apply, cancel);
const notes = el('div');
const diff = el('pre', 'diff');
diff.id = 'tune-diff';
const figure = createFigure('tune-scatter', 'Trials: samples/s against peak memory', 'One point per measured trial.');
const table = el('table', 'trials');
table.id = 'tune-trials';
app.replaceChildren(title, status, kpis, toolbar, notes, figure.figure, table, diff);

const chart: Chart<'scatter', Array<{ x: number; y: number }>> = new Chart(figure.canvas, {
  type: 'scatter',
  data: { datasets: [{ label: 'trials', data: [] as Array<{ x: number; y: number }>, pointRadius: 5 }] },
  options: {
    scales: {
      x: { title: { display: true, text: 'peak tensor memory (MiB)' } },
      y: { title: { display: true, text: 'samples/s' }, beginAtZero: true },
    },
    plugins: { legend: { display: false } },
  },
});
(window as unknown as { trainlensTune: { chart: typeof chart } }).trainlensTune = { chart };

const settings = (t: TuneTrialView) =>
  Object.entries(t.params)
    .map(([k, v]) => `${k.split('.').at(-1)}=${String(v)}`)
    .join(' ') || 'as written';

function kpi(id: string, label: string, value: string): HTMLElement {
  const tile = el('div', 'kpi');
  tile.id = `kpi-${id}`;
  tile.append(el('div', 'label', label), el('div', 'value', value));
  return tile;
}

/** The ONNX view, once the host said this panel tunes an ONNX model. */
let onnx: OnnxTuningView | undefined;

function onMessage(message: HostToWebviewMessage): void {
  if (message.type === 'tune/update') render(message);
  else if (message.type === 'onnx-tune/update') {
    onnx ??= mountOnnxTuning(app, (m) => host.post(m));
    onnx.render(message);
  } else if (message.type === 'tune/copied') onnx?.copied(message.language);
  else if (message.type === 'error') (document.getElementById('tune-status') ?? status).textContent = message.message;
}

function render(update: TuneUpdateMessage): void {
  title.textContent = `Tuning ${update.title}`;
  const running = update.status === 'running';
  status.replaceChildren(createTag(update.status), ` ${update.message ?? `${update.trials.length} trials`}`);
  const best = update.result ? update.trials.find((t) => t.id === update.result!.bestId) : undefined;
  const baseline = update.result ? update.trials.find((t) => t.id === update.result!.baselineId) : undefined;
  kpis.replaceChildren(
    kpi('trials', 'Trials', formatCount(update.trials.length)),
    ...(baseline ? [kpi('baseline', 'Baseline', `${formatCount(Math.round(baseline.samplesPerSec))} samples/s`)] : []),
    ...(best ? [kpi('best', 'Best', `${formatCount(Math.round(best.samplesPerSec))} samples/s`)] : []),
    ...(update.result ? [kpi('speedup', 'Speedup', `${update.result.speedup}×`)] : []),
  );
  if (running) cancel.removeAttribute('disabled');
  else cancel.setAttribute('disabled', '');
  if (update.status === 'done' && update.result?.diff) apply.removeAttribute('disabled');
  else apply.setAttribute('disabled', '');
  notes.replaceChildren(...(update.result?.notes ?? []).map((n) => el('p', 'note', n)));
  diff.replaceChildren(
    ...(update.result
      ? update.result.diff
        ? update.result.diff.split('\n').map((line) => {
            const span = el(
              'span',
              line.startsWith('+') && !line.startsWith('+++')
                ? 'add'
                : line.startsWith('-') && !line.startsWith('---')
                  ? 'del'
                  : undefined,
              `${line}\n`,
            );
            return span;
          })
        : [document.createTextNode('No change: the config as written was the fastest.')]
      : []),
  );
  diff.hidden = !update.result;

  const head = el('thead');
  const hr = el('tr');
  const toLoss = update.trials.some((t) => t.timeToLossMs !== undefined);
  for (const h of [
    '#',
    'phase',
    'status',
    'samples/s',
    ...(toLoss ? ['to loss s'] : []),
    'p50 ms',
    'p90 ms',
    'peak memory',
    'settings',
  ])
    hr.append(el('th', undefined, h));
  head.append(hr);
  const body = el('tbody');
  for (const t of update.trials) {
    const tr = el('tr', t.id === best?.id ? 'best' : undefined);
    tr.dataset['trial'] = String(t.id);
    tr.dataset['status'] = t.status;
    tr.append(
      el('td', 'num', String(t.id)),
      el('td', undefined, t.phase),
      el('td', undefined, t.status),
      el('td', 'num', formatCount(Math.round(t.samplesPerSec))),
      ...(toLoss ? [el('td', 'num', t.timeToLossMs !== undefined ? (t.timeToLossMs / 1000).toFixed(2) : '–')] : []),
      el('td', 'num', t.stepMs.p50.toFixed(2)),
      el('td', 'num', t.stepMs.p90.toFixed(2)),
      el('td', 'num', formatBytes(t.peakMemoryBytes)),
      el('td', undefined, t.reason ? `${settings(t)} (${t.reason})` : settings(t)),
    );
    body.append(tr);
  }
  table.replaceChildren(head, body);

  const measured = update.trials.filter((t) => t.status === 'ok');
  const color = (t: TuneTrialView) =>
    t.id === best?.id ? themeColor('green') : t.id === baseline?.id ? themeColor('orange') : themeColor('blue');
  chart.data.datasets[0]!.data = measured.map((t) => ({ x: t.peakMemoryBytes / 1024 ** 2, y: t.samplesPerSec }));
  chart.data.datasets[0]!.pointBackgroundColor = measured.map(color);
  chart.update('none');
  figure.setData(
    ['trial', 'peak MiB', 'samples/s', 'settings'],
    measured.map((t) => [
      String(t.id),
      (t.peakMemoryBytes / 1024 ** 2).toFixed(1),
      t.samplesPerSec.toFixed(0),
      settings(t),
    ]),
  );
}
