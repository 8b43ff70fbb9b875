/**
 * The profile panel (and the standalone HTML report, which embeds the same bundle): five views of one profile,
 * Overview, Operators, Timeline, Memory and Suggestions (and Distributed first when the profile is one rank of a
 * job), or the Compare view of two. In VS Code the data arrives
 * from the host after the ready handshake; in a report file it is embedded in the page as JSON.
 */
import './profile.css';
import type { CompareView, ProfileView } from '../../src/protocol/profileView';
import type { HostToWebviewMessage, ProfilePanelState } from '../../src/protocol/webview';
import { applyChartDefaults, type Chart } from '../shared/charts';
import { el } from '../shared/dom';
import { registerToolkit, createTag } from '../shared/toolkit';
import { connectToHost, type HostChannel } from '../shared/vscodeApi';
import { renderCompare } from './compare';
import { renderDistributed } from './distributed';
import { renderMemory, type MemoryHandle } from './memory';
import { renderOperators } from './operators';
import { renderOverview } from './overview';
import { renderSuggestions, type SuggestionsHandle } from './suggestions';
import { mountTimeline, type TimelineHandle } from './timeline';

/** What tests and benchmarks can reach on `window.trainlens`. */
interface PanelHooks {
  view?: ProfileView | CompareView;
  /** performance.now() when each tab finished its first render. */
  rendered: Record<string, number>;
  memory?: MemoryHandle;
  timeline?: TimelineHandle;
  show(tab: string): void;
}

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'operators', label: 'Operators' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'memory', label: 'Memory' },
  { id: 'suggestions', label: 'Suggestions' },
] as const;
/** The tab of a job's ranks side by side, first when the profile is part of one. */
const DISTRIBUTED_TAB = { id: 'distributed', label: 'Distributed' } as const;

registerToolkit();
const app = document.getElementById('app') as HTMLElement;
const hooks: PanelHooks = { rendered: {}, show: () => undefined };
(window as unknown as { trainlens: PanelHooks }).trainlens = hooks;

const embedded = document.getElementById('trainlens-data');
let host: HostChannel<ProfilePanelState> | undefined;
let state: ProfilePanelState = {};
let charts: Chart[] = [];
let suggestions: SuggestionsHandle | undefined;
if (embedded) {
  const data = JSON.parse(embedded.textContent ?? '{}') as { view: ProfileView | CompareView; lazy?: string[] };
  show(withLazyParts(data.view, data.lazy ?? []), false);
} else {
  host = connectToHost<ProfilePanelState>(onMessage);
  state = host.state ?? {};
}

/**
 * A report's view whose large parts (memory, timeline) sit in their own JSON blocks after the script: each is read
 * when a view first asks for it. The browser may still be reading the file then; the views that need a part wait for
 * the whole document (see `whenParsed`).
 */
function withLazyParts(view: ProfileView | CompareView, lazy: readonly string[]): ProfileView | CompareView {
  const target = { ...view } as Record<string, unknown>;
  for (const key of lazy) {
    let value: unknown;
    let read = false;
    Object.defineProperty(target, key, {
      enumerable: true,
      get: () => {
        if (!read) {
          read = true;
          const block = document.getElementById(`trainlens-data-${key}`);
          value = block ? JSON.parse(block.textContent ?? 'null') : undefined;
        }
        return value;
      },
    });
  }
  return target as unknown as ProfileView | CompareView;
}

/** Runs `render` once the whole document (with the report's data blocks) has been read. */
function whenParsed(render: () => void): void {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', render, { once: true });
  else render();
}

function onMessage(message: HostToWebviewMessage): void {
  switch (message.type) {
    case 'profile/show':
      state = { source: message.source, ...(state.tab ? { tab: state.tab } : {}) };
      host?.saveState(state);
      show(message.view, message.canApply);
      return;
    case 'compare/show':
      state = { source: message.source, compareWith: message.compareWith };
      host?.saveState(state);
      show(message.view, false);
      return;
    case 'finding/applied':
      suggestions?.applied(message.findingId, message.ok, message.message);
      return;
    case 'finding/copied':
      suggestions?.copied(message.findingId, message.language);
      return;
    case 'error':
      app.replaceChildren(el('h1', undefined, 'TrainLens profile'), el('p', 'error', message.message));
      return;
    default:
      return;
  }
}

function show(view: ProfileView | CompareView, canApply: boolean): void {
  for (const chart of charts) chart.destroy();
  charts = [];
  hooks.timeline?.destroy();
  hooks.view = view;
  applyChartDefaults();
  if (view.kind === 'compare') {
    const root = el('section', 'view');
    root.id = 'view-compare';
    app.replaceChildren(el('h1', undefined, `Compare: ${view.before.title} → ${view.after.title}`), root);
    charts.push(...renderCompare(root, view));
    hooks.rendered['compare'] = performance.now();
    return;
  }
  const title = el('h1', undefined, view.title);
  const subtitle = el(
    'p',
    'muted',
    `${view.report.source} · ${view.report.steps.count} steps · ${view.report.findings.length} findings`,
  );
  const tabList = view.distributed ? [DISTRIBUTED_TAB, ...TABS] : TABS;
  const tablist = el('div', 'tabs');
  tablist.setAttribute('role', 'tablist');
  tablist.setAttribute('aria-label', 'Profile views');
  const panels = new Map<string, HTMLElement>();
  const tabs = new Map<string, HTMLButtonElement>();
  const rendered = new Set<string>();
  for (const { id, label } of tabList) {
    const tab = el('button', 'tab', label);
    tab.type = 'button';
    tab.id = `tab-${id}`;
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', `view-${id}`);
    if (id === 'suggestions' && view.report.findings.length > 0)
      tab.append(' ', createTag(String(view.report.findings.length)));
    tab.addEventListener('click', () => select(id));
    tab.addEventListener('keydown', (event) => {
      const ids = tabList.map((t) => t.id as string);
      const at = ids.indexOf(id);
      const next =
        event.key === 'ArrowRight'
          ? ids[(at + 1) % ids.length]
          : event.key === 'ArrowLeft'
            ? ids[(at - 1 + ids.length) % ids.length]
            : event.key === 'Home'
              ? ids[0]
              : event.key === 'End'
                ? ids.at(-1)
                : undefined;
      if (next) {
        event.preventDefault();
        select(next);
        tabs.get(next)?.focus();
      }
    });
    tabs.set(id, tab);
    tablist.append(tab);
    const panel = el('section', 'view');
    panel.id = `view-${id}`;
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', tab.id);
    panel.hidden = true;
    panels.set(id, panel);
  }
  app.replaceChildren(title, subtitle, tablist, ...panels.values());

  function render(id: string, panel: HTMLElement): void {
    if (id === 'distributed')
      charts.push(
        ...renderDistributed(panel, view as ProfileView, {
          ...(host ? { openRank: (rank: number) => host?.post({ type: 'distributed/openRank', rank }) } : {}),
        }),
      );
    else if (id === 'overview') charts.push(...renderOverview(panel, view as ProfileView));
    else if (id === 'operators') charts.push(...renderOperators(panel, view as ProfileView));
    else if (id === 'timeline') {
      return whenParsed(() => {
        const timeline = (view as ProfileView).timeline;
        if (!timeline) panel.append(el('p', 'muted', 'This profile has no spans to draw.'));
        else hooks.timeline = mountTimeline(panel, timeline, (view as ProfileView).steps);
        hooks.rendered[id] = performance.now();
      });
    } else if (id === 'memory') {
      return whenParsed(() => {
        const handle = renderMemory(panel, view as ProfileView);
        if (handle) {
          hooks.memory = handle;
          charts.push(handle.chart);
        }
        hooks.rendered[id] = performance.now();
      });
    } else if (id === 'suggestions')
      suggestions = renderSuggestions(panel, view as ProfileView, {
        canApply,
        apply: (finding, rerun) => host?.post({ type: 'finding/apply', findingId: finding.id, rerun }),
        ...(host
          ? { copy: (finding, language) => host?.post({ type: 'finding/copy', findingId: finding.id, language }) }
          : {}),
      });
    hooks.rendered[id] = performance.now();
  }

  function select(id: string): void {
    for (const [tabId, tab] of tabs) {
      const selected = tabId === id;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      panels.get(tabId)!.hidden = !selected;
    }
    if (!rendered.has(id)) {
      rendered.add(id);
      render(id, panels.get(id)!);
    }
    if (host) {
      state = { ...state, tab: id };
      host.saveState(state);
    } else if (location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
  }
  hooks.show = select;
  const first = tabList[0].id;
  const initial = (state.tab ?? location.hash.slice(1)) || first;
  select(tabList.some((t) => t.id === initial) ? initial : first);
}
