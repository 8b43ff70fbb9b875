import { SingleBar } from 'cli-progress';
import type { CliIo } from './io';

/** Progress of a long CLI task: a bar on a terminal, plain lines otherwise (CI logs, pipes). */
export interface Progress {
  /** Moves to step `value` of `total` with a short label of what is happening now. */
  update(value: number, label: string): void;
  /** Prints a message line without garbling the bar. */
  log(message: string): void;
  /** Ends the bar (or prints the last line). */
  stop(): void;
}

/** Creates the progress display for `total` steps; always on stderr so stdout stays machine-readable. */
export function createProgress(io: CliIo, total: number, title: string): Progress {
  if (!io.isTTY) {
    let last = '';
    return {
      update(value, label) {
        const line = `${title}: ${label} (${value}/${total})`;
        if (line !== last) io.stderr(`${line}\n`);
        last = line;
      },
      log(message) {
        io.stderr(`${message}\n`);
      },
      stop() {},
    };
  }
  const bar = new SingleBar({
    format: `${title} [{bar}] {value}/{total} {label}`,
    hideCursor: true,
    clearOnComplete: true,
    stream: process.stderr,
  });
  bar.start(total, 0, { label: '' });
  return {
    update(value, label) {
      bar.update(value, { label });
    },
    log(message) {
      // Clear the bar's line, print, and let the bar draw itself again below.
      process.stderr.write(`\r\x1b[K${message}\n`);
      bar.render();
    },
    stop() {
      bar.stop();
    },
  };
}
