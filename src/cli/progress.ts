import { SingleBar } from 'cli-progress';
import type { CliIo } from './io';

/** Progress of a long CLI task: a bar on a terminal, plain lines otherwise (CI logs, pipes). */
export interface Progress {
  /** Moves to step `value` of `total` with a short label of what is happening now. */
  update(value: number, label: string): void;
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
    stop() {
      bar.stop();
    },
  };
}
