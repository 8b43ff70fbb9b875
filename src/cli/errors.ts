/** Exit codes of every `trainlens` subcommand (docs/cli.md and the CLI contract). */
export const ExitCode = {
  ok: 0,
  /** The input was read but has problems: validation errors, a failed run. */
  problems: 1,
  /** Usage errors, unreadable or invalid input, or a capability this build does not have yet. */
  usage: 2,
} as const;

/** Where in the user's input a problem sits; lines and columns are 1-based. */
export interface ErrorPlace {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * An error meant for the user: one paragraph that names the file, the place and what to do. The CLI prints it
 * without a stack trace and exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
    readonly fix?: string,
    readonly place?: ErrorPlace,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Formats an error the way every subcommand prints it: `trainlens: FILE:LINE:COL: message fix`. */
export function formatCliError(error: CliError): string {
  const where = error.place?.file
    ? `${error.place.file}${error.place.line ? `:${error.place.line}${error.place.column ? `:${error.place.column}` : ''}` : ''}: `
    : '';
  const fix = error.fix ? ` ${error.fix}` : '';
  return `trainlens: ${where}${error.message}${fix}\n`;
}

/** Turns anything thrown into a message for the user; unexpected errors keep their first line and ask for a report. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(
    `internal error: ${message.split('\n')[0]}.`,
    ExitCode.problems,
    'Run again with TRAINLENS_DEBUG=1 for the stack trace and report it with the command you ran.',
  );
}
