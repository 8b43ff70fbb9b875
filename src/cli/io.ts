/** Where a CLI command writes; tests pass buffers, `main.ts` passes the process streams. */
export interface CliIo {
  /** Results: the text report or the single `--json` document. */
  readonly stdout: (text: string) => void;
  /** Progress and errors. */
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bar) or not (plain progress lines). */
  readonly isTTY: boolean;
}
