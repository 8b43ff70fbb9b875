import type { RunFailureInfo } from '../../protocol/runRecord';
import { DataError } from '../data/tabular';
import { OutOfMemoryError } from '../train/outOfMemory';

/**
 * A problem with the user's input, reported with the file and place (never a stack trace). Its failure kind is
 * `data` for a `data.*` path and `config` otherwise, unless `kind` says (a batch size too big is the config's).
 */
export class RunInputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly path?: string,
    readonly kind?: 'config' | 'data',
  ) {
    super(message);
  }
}

/**
 * What kind of failure an error is, from its class (never from its words): out of memory (with the step and
 * phase), the data (a data file or module), the config (an invalid value, a missing model), or internal.
 */
export function failureOf(error: unknown, step?: number): RunFailureInfo {
  const message = error instanceof Error ? error.message : String(error);
  const at = step !== undefined ? { step } : {};
  if (error instanceof OutOfMemoryError) return { kind: 'oom', message, step: error.step, phase: error.phase };
  if (error instanceof DataError) return { kind: 'data', message, file: error.file, ...at };
  if (error instanceof RunInputError)
    return {
      kind: error.kind ?? (error.path === 'data' || error.path?.startsWith('data.') ? 'data' : 'config'),
      message,
      file: error.file,
      ...(error.path ? { path: error.path } : {}),
      ...at,
    };
  return { kind: 'internal', message, ...at };
}
