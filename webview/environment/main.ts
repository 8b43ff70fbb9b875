/**
 * The environment panel: the machine, GPUs, the TF.js backends in `auto` order (with the one auto picks) and
 * ONNX Runtime, as the engine reported them.
 */
import './environment.css';
import { autoBackend } from '../../src/protocol/backends';
import type { BackendCandidate, EnvironmentReport } from '../../src/protocol/types';
import type { EnvironmentPanelState, EnvironmentUpdateMessage, HostToWebviewMessage } from '../../src/protocol/webview';
import { el } from '../shared/dom';
import { formatBytes } from '../shared/format';
import { createButton, createTag, registerToolkit } from '../shared/toolkit';
import { connectToHost, type HostChannel } from '../shared/vscodeApi';

registerToolkit();
const app = document.getElementById('app') as HTMLElement;

const host: HostChannel<EnvironmentPanelState> = connectToHost<EnvironmentPanelState>(onMessage);
if (host.state?.lastUpdate) render(host.state.lastUpdate);

function onMessage(message: HostToWebviewMessage): void {
  if (message.type === 'environment/update') {
    host.saveState({ lastUpdate: message });
    render(message);
  } else if (message.type === 'error') {
    app.replaceChildren(el('h1', undefined, 'TrainLens environment'), el('p', 'error', message.message));
  }
}

function render({ report, probedAt }: EnvironmentUpdateMessage): void {
  const chosen = autoBackend(report.backends);
  const header = el('h1', undefined, 'TrainLens environment');
  const subtitle = el(
    'p',
    'muted',
    `TrainLens ${report.trainlensVersion} · probed ${new Date(probedAt).toLocaleString()}`,
  );
  const toolbar = el('div', 'toolbar');
  toolbar.append(createButton('Refresh', () => host.post({ type: 'environment/refresh' }), 'primary'));

  app.replaceChildren(
    header,
    subtitle,
    toolbar,
    kpis(report, chosen),
    backendTable(report.backends, chosen),
    gpuSection(report),
    onnxSection(report),
  );
}

function kpis(report: EnvironmentReport, chosen: BackendCandidate | undefined): HTMLElement {
  const grid = el('section', 'kpis');
  grid.setAttribute('aria-label', 'Summary');
  const items: Array<[string, string, string]> = [
    ['Auto backend', chosen?.name ?? 'none', 'kpi-backend'],
    ['GPU', report.gpus[0]?.name ?? 'none', 'kpi-gpu'],
    ['CPU cores', String(report.cpu.cores), 'kpi-cores'],
    ['Memory', formatBytes(report.memory.totalBytes), 'kpi-memory'],
    ['Node', report.node.version, 'kpi-node'],
  ];
  for (const [label, value, id] of items) {
    const card = el('div', 'kpi');
    card.id = id;
    card.append(el('div', 'label', label), el('div', 'value', value));
    grid.append(card);
  }
  return grid;
}

function backendTable(backends: readonly BackendCandidate[], chosen: BackendCandidate | undefined): HTMLElement {
  const section = el('section');
  section.append(el('h2', undefined, 'TF.js backends, in the order auto tries them'));
  const table = el('table');
  table.id = 'backends';
  table.setAttribute('aria-label', 'TF.js backends');
  const head = el('tr');
  for (const title of ['Backend', 'Package', 'Status', 'Version', 'Why not']) {
    const th = el('th', undefined, title);
    th.scope = 'col';
    head.append(th);
  }
  table.append(el('thead'), el('tbody'));
  table.tHead?.append(head);
  for (const backend of backends) {
    const row = el('tr', backend === chosen ? 'chosen' : undefined);
    row.dataset['backend'] = backend.name;
    const name = el('td');
    name.append(el('code', undefined, backend.name));
    if (backend === chosen) name.append(' ', createTag('auto'));
    row.append(
      name,
      el('td', undefined, backend.packageName),
      el('td', `status-${backend.status}`, backend.status),
      el('td', undefined, backend.version ?? '–'),
      el('td', 'muted', backend.reason ?? ''),
    );
    table.tBodies[0]?.append(row);
  }
  section.append(table);
  return section;
}

function gpuSection(report: EnvironmentReport): HTMLElement {
  const section = el('section');
  section.append(el('h2', undefined, 'GPUs'));
  if (report.gpus.length === 0) {
    section.append(el('p', 'muted', `No GPU: ${report.gpuReason ?? 'none detected'}.`));
    return section;
  }
  const list = el('ul');
  for (const gpu of report.gpus) {
    list.append(
      el(
        'li',
        undefined,
        `${gpu.name}: ${formatBytes(gpu.memoryUsedBytes)} of ${formatBytes(gpu.memoryTotalBytes)} used, ${gpu.utilizationPercent}% busy, driver ${gpu.driverVersion}`,
      ),
    );
  }
  section.append(list);
  return section;
}

function onnxSection(report: EnvironmentReport): HTMLElement {
  const section = el('section');
  section.append(el('h2', undefined, 'ONNX Runtime'));
  const text =
    report.onnxRuntime.status === 'installed'
      ? `onnxruntime-node ${report.onnxRuntime.version ?? ''} (CPU execution provider)`
      : `${report.onnxRuntime.status}: ${report.onnxRuntime.reason ?? ''}`;
  const p = el('p', undefined, text);
  p.id = 'onnx';
  section.append(p);
  return section;
}
