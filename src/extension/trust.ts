/**
 * Workspace trust for processes, without `vscode` so it is tested on its own (src/extension/trust.test.ts). In an
 * untrusted workspace TrainLens only validates configs: the engine runs code the workspace controls (data modules,
 * `trainlens.engine.nodePath`, native packages found through `trainlens.engine.nativeModulesPath`), so no engine
 * starts there. Commands refuse earlier with their own message; this is the gate every start passes through, so a
 * path without a command (a panel restored after a reload, a panel's re-run button) cannot start one either.
 */

/** The explanation shown wherever a process was refused (a panel shows it in place of its content). */
export const UNTRUSTED_EXPLANATION =
  'TrainLens starts no processes in an untrusted workspace: its engine runs code from the workspace (data modules, ' +
  'the configured Node and native packages). Trust the workspace to train, profile, tune or see the environment; ' +
  'config validation works without trust.';

/** A process start refused because the workspace is not trusted. */
export class UntrustedWorkspaceError extends Error {
  constructor() {
    super(UNTRUSTED_EXPLANATION);
    this.name = 'UntrustedWorkspaceError';
  }
}

/**
 * Throws {@link UntrustedWorkspaceError} unless `isTrusted()` says yes. Trust is asked at every start, not
 * remembered: the user may grant it while the window is open.
 */
export function assertMayStartProcess(isTrusted: () => boolean): void {
  if (!isTrusted()) throw new UntrustedWorkspaceError();
}
