/**
 * How a failed run reads for a person, on the terminal and in VS Code alike: its cause (the failure's kind, step and
 * phase, as run.json holds them) and the message, never a bare "Run failed".
 */
import type { RunFailureInfo } from '../protocol/runRecord';

/** What {@link describeRunFailure} prints of a failure. */
export type FailureCause = Pick<RunFailureInfo, 'kind' | 'message' | 'step' | 'phase'>;

/**
 * `the run failed (kind nan, step 8): the loss became NaN at step 8 …`. Input problems (`data`, `config`) keep
 * the plain form: their message already names the file and the line, which is the place the user needs.
 */
export function describeRunFailure(failure: FailureCause): string {
  const message = `${failure.message}${/[.?!]$/.test(failure.message) ? '' : '.'}`;
  if (failure.kind === 'data' || failure.kind === 'config') return `the run failed: ${message}`;
  const cause = [
    `kind ${failure.kind}`,
    ...(failure.step !== undefined ? [`step ${failure.step}`] : []),
    ...(failure.phase ? [`phase ${failure.phase}`] : []),
  ];
  return `the run failed (${cause.join(', ')}): ${message}`;
}
