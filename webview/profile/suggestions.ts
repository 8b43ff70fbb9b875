/** The Suggestions view: one card per finding with its evidence and thresholds, and Apply buttons for fixes. */
import type { ProfileView } from '../../src/protocol/profileView';
import type { Finding } from '../../src/protocol/types';
import { el } from '../shared/dom';
import { createButton, createTag } from '../shared/toolkit';

/** What the cards can do: apply a finding's fix (in VS Code), or nothing (the standalone report). */
export interface SuggestionActions {
  readonly canApply: boolean;
  readonly apply?: (finding: Finding, rerun: boolean) => void;
}

const SEVERITY_LABEL: Readonly<Record<Finding['severity'], string>> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/** A finding's fix as code (the PyTorch or ONNX Runtime lines to write), to read and copy from the page. */
function codeOf(code: NonNullable<Finding['code']>): HTMLElement {
  const block = el('div', 'fix code');
  const pre = el('pre');
  pre.append(el('code', undefined, code.python));
  block.append(el('strong', undefined, 'Fix in Python:'), pre);
  return block;
}

/** Renders the finding cards; returns a function that shows the outcome of an Apply on its card. */
export function renderSuggestions(
  root: HTMLElement,
  view: ProfileView,
  actions: SuggestionActions,
): (findingId: string, ok: boolean, message: string) => void {
  const findings = view.report.findings;
  if (findings.length === 0) {
    root.append(el('p', 'muted', 'No findings: no rule found a bottleneck in this profile.'));
    return () => undefined;
  }
  const list = el('div', 'findings');
  list.setAttribute('role', 'list');
  for (const finding of findings) {
    const card = el('article', `finding severity-${finding.severity}`);
    card.setAttribute('role', 'listitem');
    card.dataset['finding'] = finding.id;
    const heading = el('h3');
    const tag = createTag(SEVERITY_LABEL[finding.severity]);
    tag.classList.add(`severity-${finding.severity}`);
    heading.append(tag, ` ${finding.title}`);
    card.append(heading, el('code', 'finding-id muted', finding.id));
    const evidence = el('table', 'evidence');
    evidence.setAttribute('aria-label', `Evidence for ${finding.id}`);
    const body = el('tbody');
    for (const [key, value] of Object.entries(finding.evidence)) {
      const tr = el('tr');
      const th = el('th', undefined, key);
      th.scope = 'row';
      const td = el('td', typeof value === 'number' ? 'num' : undefined, String(value));
      td.dataset['key'] = key;
      tr.append(th, td);
      body.append(tr);
    }
    evidence.append(body);
    card.append(evidence);
    if (finding.fix) {
      const fix = el('div', 'fix');
      const code = el('code', undefined, `${finding.fix.path}: ${String(finding.fix.value)}`);
      fix.append(el('strong', undefined, 'Fix: '), code, el('p', 'muted', finding.fix.description));
      if (actions.canApply && actions.apply) {
        const buttons = el('div', 'toolbar');
        buttons.append(
          createButton('Apply fix', () => actions.apply!(finding, false), 'primary'),
          createButton('Apply and re-run', () => actions.apply!(finding, true)),
        );
        fix.append(buttons);
      } else if (view.configPath === undefined) {
        fix.append(el('p', 'muted', 'This profile did not come from a TrainLens config, so there is nothing to edit.'));
      } else {
        fix.append(el('p', 'muted', `Open ${view.configPath} in VS Code with TrainLens to apply it.`));
      }
      const outcome = el('p', 'outcome');
      outcome.setAttribute('role', 'status');
      fix.append(outcome);
      card.append(fix);
    }
    if (finding.code) card.append(codeOf(finding.code));
    list.append(card);
  }
  root.append(list);
  return (findingId, ok, message) => {
    const outcome = list.querySelector<HTMLElement>(`[data-finding="${CSS.escape(findingId)}"] .outcome`);
    if (!outcome) return;
    outcome.textContent = message;
    outcome.classList.toggle('error', !ok);
  };
}
