/**
 * The Suggestions view: one card per finding with its evidence and thresholds, Apply buttons for YAML fixes, and a
 * finding's code (PyTorch, or ONNX Runtime's JavaScript and Python) with a Copy button per language.
 */
import type { ProfileView } from '../../src/protocol/profileView';
import type { SnippetLanguage } from '../../src/protocol/webview';
import type { Finding } from '../../src/protocol/types';
import { el } from '../shared/dom';
import { createButton, createTag } from '../shared/toolkit';

/**
 * What the cards can do: apply a finding's fix and copy its code through the host (in VS Code), or copy with the
 * page's own clipboard (the standalone report, where `copy` is absent).
 */
export interface SuggestionActions {
  readonly canApply: boolean;
  readonly apply?: (finding: Finding, rerun: boolean) => void;
  readonly copy?: (finding: Finding, language: SnippetLanguage) => void;
}

/** What the host's replies update on the cards: the outcome of an Apply, and a Copy done. */
export interface SuggestionsHandle {
  applied(findingId: string, ok: boolean, message: string): void;
  copied(findingId: string, language: SnippetLanguage): void;
}

const LANGUAGES: ReadonlyArray<readonly [SnippetLanguage, string]> = [
  ['python', 'Python'],
  ['javascript', 'JavaScript'],
];

const SEVERITY_LABEL: Readonly<Record<Finding['severity'], string>> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/**
 * A finding's fix as code (the PyTorch or ONNX Runtime lines to write): one block per language, each with Copy. In
 * VS Code the host copies the code it holds; in the report the page copies it, or selects it when it may not.
 */
function codeOf(finding: Finding, actions: SuggestionActions): HTMLElement {
  const block = el('div', 'fix code');
  const status = el('p', 'copy-status muted');
  status.setAttribute('role', 'status');
  for (const [language, label] of LANGUAGES) {
    const text = finding.code?.[language];
    if (text === undefined) continue;
    const pre = el('pre');
    pre.dataset['language'] = language;
    pre.append(el('code', undefined, text));
    const copy = createButton('Copy', () => {
      if (actions.copy) return actions.copy(finding, language);
      copyInPage(text, pre, label, status);
    });
    copy.dataset['language'] = language;
    copy.setAttribute('aria-label', `Copy the ${label} code of ${finding.id}`);
    const header = el('div', 'code-header');
    header.append(el('strong', undefined, `Fix in ${label}:`), copy);
    block.append(header, pre);
  }
  block.append(status);
  return block;
}

/** Copies with the page's clipboard; where the page may not, selects the code so that Ctrl+C copies it. */
function copyInPage(text: string, pre: HTMLElement, label: string, status: HTMLElement): void {
  const select = () => {
    const range = document.createRange();
    range.selectNodeContents(pre);
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
    status.textContent = `This page may not use the clipboard: the ${label} code is selected, press Ctrl+C (⌘C) to copy it.`;
  };
  if (!navigator.clipboard) return select();
  navigator.clipboard.writeText(text).then(() => (status.textContent = `Copied the ${label} code.`), select);
}

/** Renders the finding cards; returns a function that shows the outcome of an Apply on its card. */
export function renderSuggestions(root: HTMLElement, view: ProfileView, actions: SuggestionActions): SuggestionsHandle {
  const findings = view.report.findings;
  if (findings.length === 0) {
    root.append(el('p', 'muted', 'No findings: no rule found a bottleneck in this profile.'));
    return { applied: () => undefined, copied: () => undefined };
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
    if (finding.code) card.append(codeOf(finding, actions));
    list.append(card);
  }
  root.append(list);
  const card = (findingId: string) => list.querySelector<HTMLElement>(`[data-finding="${CSS.escape(findingId)}"]`);
  return {
    applied: (findingId, ok, message) => {
      const outcome = card(findingId)?.querySelector<HTMLElement>('.outcome');
      if (!outcome) return;
      outcome.textContent = message;
      outcome.classList.toggle('error', !ok);
    },
    copied: (findingId, language) => {
      const status = card(findingId)?.querySelector<HTMLElement>('.copy-status');
      const label = LANGUAGES.find(([id]) => id === language)?.[1] ?? language;
      if (status) status.textContent = `Copied the ${label} code.`;
    },
  };
}
