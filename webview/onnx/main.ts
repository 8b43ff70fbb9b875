/**
 * The ONNX model editor's page: the summary of one `.onnx` file as the engine read it (inputs and outputs with their
 * shapes, opsets, op types, initializers, external data, execution providers) with Profile and Optimize; or why the
 * file could not be read, with the way out. Every state comes whole from the host (`onnx/model`).
 */
import './onnx.css';
import type { OnnxModelSummary } from '../../src/protocol/onnx';
import type { HostToWebviewMessage, OnnxModelMessage } from '../../src/protocol/webview';
import { el } from '../shared/dom';
import { formatBytes, formatCount } from '../shared/format';
import { createButton, createTag, registerToolkit } from '../shared/toolkit';
import { connectToHost } from '../shared/vscodeApi';
import {
  externalDataSection,
  opTypesSection,
  optimizedSection,
  providersSection,
  section,
  table,
  valuesTable,
} from './summary';

registerToolkit();
const app = document.getElementById('app') as HTMLElement;
const host = connectToHost<Record<string, never>>(onMessage);

function onMessage(message: HostToWebviewMessage): void {
  if (message.type === 'onnx/model') render(message);
  else if (message.type === 'error')
    app.replaceChildren(el('h1', undefined, 'ONNX model'), el('p', 'error', message.message));
}

function render(state: OnnxModelMessage): void {
  const title = el('h1', undefined, state.file);
  const status = el('p', 'muted');
  status.id = 'onnx-status';
  status.setAttribute('role', 'status');
  if (state.status === 'loading') {
    status.textContent = 'Reading the model…';
    app.replaceChildren(title, status);
    return;
  }
  if (state.status === 'untrusted') {
    const notice = el('p', 'notice', state.notice ?? 'The workspace is not trusted.');
    notice.id = 'onnx-notice';
    app.replaceChildren(title, notice);
    return;
  }
  if (state.status === 'error' || !state.summary) {
    const message = el('p', 'error', state.error?.message ?? 'The model could not be read.');
    message.id = 'onnx-error';
    const parts: HTMLElement[] = [title, message];
    if (state.error?.hint) {
      const hint = el('p', 'hint', state.error.hint);
      hint.id = 'onnx-hint';
      parts.push(hint);
    }
    if (state.error?.kind) parts.push(el('p', 'muted', `(${state.error.kind})`));
    app.replaceChildren(...parts);
    return;
  }
  const summary = state.summary;
  status.textContent = subtitle(summary);
  const optimized = optimizedSection(summary);
  app.replaceChildren(
    title,
    status,
    toolbar(state),
    kpis(summary),
    section('Inputs', valuesTable('onnx-inputs', 'Inputs', summary.inputs)),
    section('Outputs', valuesTable('onnx-outputs', 'Outputs', summary.outputs)),
    opTypesSection(summary),
    ...(optimized ? [optimized] : []),
    section(
      'Opsets',
      table(
        'onnx-opsets',
        'Opset imports',
        ['Domain', 'Version'],
        summary.opsets.map((o) => [o.domain, String(o.version)]),
      ),
    ),
    externalDataSection(summary),
    providersSection(state.providers ?? []),
  );
}

function subtitle(summary: OnnxModelSummary): string {
  return [
    formatBytes(summary.bytes),
    `IR version ${summary.irVersion}`,
    ...(summary.producer ? [`produced by ${summary.producer}`] : []),
  ].join(' · ');
}

function toolbar(state: OnnxModelMessage): HTMLElement {
  const bar = el('div', 'toolbar');
  const profile = createButton('Profile', () => host.post({ type: 'onnx/profile' }), 'primary');
  profile.id = 'onnx-profile';
  const optimize = createButton('Optimize', () => host.post({ type: 'onnx/optimize' }));
  optimize.id = 'onnx-optimize';
  bar.append(profile, optimize);
  if (state.busy) {
    // One operation per model at a time: both wait until the running one ends.
    profile.setAttribute('disabled', '');
    optimize.setAttribute('disabled', '');
    const running = el('span', 'muted');
    running.id = 'onnx-busy';
    running.append(
      createTag(state.busy === 'profile' ? 'profiling' : 'optimizing'),
      ' see the notification for progress',
    );
    bar.append(running);
  }
  return bar;
}

function kpis(summary: OnnxModelSummary): HTMLElement {
  const grid = el('section', 'kpis');
  grid.setAttribute('aria-label', 'Summary');
  const main = summary.opsets.find((o) => o.domain === 'ai.onnx');
  const items: Array<[string, string, string]> = [
    ['Nodes', formatCount(summary.nodes), 'kpi-nodes'],
    ['Op types', formatCount(summary.opTypes.length), 'kpi-optypes'],
    [
      'Initializers',
      `${formatCount(summary.initializers.count)} · ${formatBytes(summary.initializers.bytes)}`,
      'kpi-initializers',
    ],
    [
      'Opset',
      main ? `ai.onnx ${main.version}` : summary.opsets.map((o) => `${o.domain} ${o.version}`).join(', ') || '–',
      'kpi-opset',
    ],
    ['File', formatBytes(summary.bytes), 'kpi-bytes'],
  ];
  for (const [label, value, id] of items) {
    const card = el('div', 'kpi');
    card.id = id;
    card.append(el('div', 'label', label), el('div', 'value', value));
    grid.append(card);
  }
  return grid;
}
