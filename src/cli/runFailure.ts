/**
 * How a failed run reads on the terminal: its cause (the failure's kind, step and phase, as run.json holds them)
 * and the message, never a bare "Run failed". Used for both ways a run fails: the engine's `run/failed` (a
 * {@link RunFailure}) and a run that ends normally with status `failed` in its summary (the NaN guard's stop).
 */
import { join } from 'node:path';
import { defined } from '../common/defined';
import type { RunFailure } from '../engineClient/runSession';
import type { RunSummary } from '../protocol/types';
import { tryReadRunRecord } from '../runStore/readRunRecord';
import { describeRunFailure, type FailureCause } from '../engineClient/failureText';
import { CliError, ExitCode } from './errors';

export { describeRunFailure, type FailureCause } from '../engineClient/failureText';

/**
 * The error for a run the engine reported as failed. The phase travels in run.json's failure (the client's
 * {@link RunFailure} does not carry it), which the engine writes before it sends `run/failed`.
 */
export function runFailureError(error: RunFailure, runDir: string): CliError {
  const recorded = tryReadRunRecord(runDir)?.failure;
  const phase = recorded?.kind === error.kind ? recorded.phase : undefined;
  return new CliError(
    describeRunFailure({ kind: error.kind, message: error.message, ...defined({ step: error.step, phase }) }),
    ExitCode.problems,
    undefined,
    error.file ? { file: error.file } : undefined,
  );
}

/**
 * The error for a run that ended with status `failed` in its summary: the cause from its run.json (exit 1),
 * named after the config, or the file at fault.
 */
export function failedRunError(summary: RunSummary, config: string): CliError {
  const record = tryReadRunRecord(summary.runDir);
  const failure: FailureCause & { file?: string } = record?.failure ?? {
    kind: 'internal',
    message: record?.reason ?? `${join(summary.runDir, 'run.json')} says the run failed but not why`,
  };
  return new CliError(describeRunFailure(failure), ExitCode.problems, undefined, { file: failure.file ?? config });
}
