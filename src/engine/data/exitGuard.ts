import { pathToFileURL } from 'node:url';

/**
 * Data modules are user code running inside the engine. One that calls `process.exit` (a habit of scripts) would
 * end the engine mid-request, and the host would see only "Pending response rejected". While a data module is
 * loaded, `process.exit` called from its code (found on the call stack) is refused: it throws a
 * {@link ModuleExitError} into the module instead, and the attempt is remembered so it is reported even when the
 * module catches that error. Exits from anywhere else (the engine's own shutdown) pass through.
 */

/** Thrown into a data module's code in place of exiting the process. */
export class ModuleExitError extends Error {
  constructor(
    readonly modulePath: string,
    readonly exitCode: unknown,
  ) {
    super(`the data module called process.exit(${exitCodeText(exitCode)})`);
    this.name = 'ModuleExitError';
  }
}

function exitCodeText(code: unknown): string {
  return code === undefined ? '' : typeof code === 'number' ? String(code) : JSON.stringify(code).slice(0, 20);
}

/** Module paths whose code may not exit, each with the markers its stack frames carry (path, file URL). */
const guarded = new Map<string, readonly string[]>();
/** Exits refused, by module path: the code each asked for. */
const attempts = new Map<string, unknown>();
let installed = false;

/** The guarded module whose code is on the current call stack, if any. */
function callingModule(): string | undefined {
  const limit = Error.stackTraceLimit;
  // The module's frame may sit deep under library code it called (a CLI helper that exits).
  Error.stackTraceLimit = Infinity;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  for (const [path, markers] of guarded) if (markers.some((marker) => stack.includes(marker))) return path;
  return undefined;
}

/** Refuses `process.exit` from the code of the module at `modulePath` from now on. */
export function guardExit(modulePath: string): void {
  guarded.set(modulePath, [`${modulePath}:`, `${pathToFileURL(modulePath).href}:`]);
  if (installed) return;
  installed = true;
  const exit = process.exit.bind(process);
  process.exit = (code?: number | string | null): never => {
    const culprit = callingModule();
    if (culprit === undefined) return exit(code);
    attempts.set(culprit, code);
    throw new ModuleExitError(culprit, code);
  };
}

/** The exit the module attempted since the last call, as an error to report (and forgets it), if it did. */
export function takeExitAttempt(modulePath: string): ModuleExitError | undefined {
  if (!attempts.has(modulePath)) return undefined;
  const code = attempts.get(modulePath);
  attempts.delete(modulePath);
  return new ModuleExitError(modulePath, code);
}
