/**
 * The only module that imports @vscode/webview-ui-toolkit. The toolkit is deprecated upstream (since 2025-01);
 * keeping every use behind this file lets us swap it for @vscode-elements/elements in one place.
 */
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeTag } from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the toolkit's custom elements the panels use (`vscode-button`, `vscode-tag`). */
export function registerToolkit(): void {
  if (registered) return;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeTag());
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

/** Creates a toolkit tag (a small status label). */
export function createTag(text: string): HTMLElement {
  const tag = document.createElement('vscode-tag');
  tag.textContent = text;
  return tag;
}
