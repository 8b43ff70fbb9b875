/**
 * The only module that imports @vscode/webview-ui-toolkit. The toolkit is deprecated upstream (since 2025-01);
 * keeping every use behind this file lets us swap it for @vscode-elements/elements in one place.
 */
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeTextField } from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the toolkit's custom elements the panels use (`vscode-button`, `vscode-text-field`). */
export function registerToolkit(): void {
  if (registered) return;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeTextField());
  registered = true;
}

/** Creates a toolkit button with an accessible label. */
export function createButton(
  label: string,
  onClick: () => void,
  appearance: 'primary' | 'secondary' = 'secondary',
): HTMLElement {
  const button = document.createElement('vscode-button');
  button.setAttribute('appearance', appearance);
  button.textContent = label;
  button.addEventListener('click', onClick);
  return button;
}

/**
 * Creates a small status label styled like the toolkit's tag. The toolkit's own `vscode-tag` renders an inline
 * `style` attribute, which the panels' CSP (rightly) blocks, so the label is a plain element themed in base.css.
 */
export function createTag(text: string): HTMLElement {
  const tag = document.createElement('span');
  tag.className = 'tag';
  tag.textContent = text;
  return tag;
}

/** Creates a toolkit text field (labelled by its placeholder) that reports each edit. */
export function createTextField(label: string, onInput: (value: string) => void): HTMLElement {
  const field = document.createElement('vscode-text-field') as HTMLElement & { value: string };
  field.setAttribute('placeholder', label);
  field.setAttribute('aria-label', label);
  field.addEventListener('input', () => onInput(field.value ?? ''));
  return field;
}
