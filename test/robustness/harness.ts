/**
 * The robustness suite's harness: runs one hostile input through the real CLI in a child process with a time and a
 * memory limit, and classifies what happened the way a user would see it. A clean error exits 1 or 2 with one
 * `trainlens:` paragraph (no stack trace, no "internal error"); anything else that is not success is a crash.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'trainlens.js');

/** What one input did. */
export type Outcome = 'ok' | 'clean-error' | 'crash' | 'hang' | 'memory';

/** Limits for one input. */
export interface Limits {
  readonly timeoutMs: number;
  /** Resident memory of the CLI process above this is "memory over the limit". */
  readonly maxRssBytes: number;
}

export const DEFAULT_LIMITS: Limits = { timeoutMs: 30_000, maxRssBytes: 1024 ** 3 };

/** The resident memory of a process, from /proc (Linux), or 0 when it cannot be read. */
function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs `trainlens ARGS` and classifies the outcome; `detail` is the message a user would read. */
export function runCli(
  args: readonly string[],
  limits: Limits = DEFAULT_LIMITS,
): Promise<{ outcome: Outcome; detail: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdoutBytes = 0;
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdout.length < 64 * 1024) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    let verdict: Outcome | undefined;
    const timer = setTimeout(() => {
      verdict = 'hang';
      child.kill('SIGKILL');
    }, limits.timeoutMs);
    const watch = setInterval(() => {
      if (child.pid && rssOf(child.pid) > limits.maxRssBytes) {
        verdict = 'memory';
        child.kill('SIGKILL');
      }
    }, 50);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      const detail = stderr.trim().split('\n').slice(-3).join(' | ');
      if (verdict) return resolve({ outcome: verdict, detail: `${verdict}: ${detail}` });
      if (code === 0) return resolve({ outcome: 'ok', detail: `${stdoutBytes} bytes out` });
      // A clean error: exit 1 or 2 with the contract's one-paragraph message on stderr, or (validate) the
      // diagnostics on stdout; never a stack trace, an "internal error" or a Node warning.
      const said = /^trainlens: /m.test(stderr) || (args[0] === 'validate' && stdout.trim().length > 0);
      const clean =
        (code === 1 || code === 2) &&
        said &&
        !/internal error|\n\s+at .+:\d+:\d+|\(node:\d+\) Warning/.test(stderr + stdout);
      resolve({ outcome: clean ? 'clean-error' : 'crash', detail: `exit ${code ?? signal}: ${detail}` });
    });
  });
}

/** A snapshot of a folder: every file's path, size and content hash (to find what a command changed or lost). */
export function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats?.isFile()) continue;
    const hash =
      stats.size > 64 * 1024 * 1024
        ? `size ${stats.size}`
        : createHash('sha1').update(readFileSync(path)).digest('hex');
    files.set(relative(dir, path), hash);
  }
  return files;
}

/** The paths that differ between two snapshots: added, removed or changed. */
export function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

/** One row of the table. */
export interface CorpusRow {
  corpus: string;
  inputs: number;
  ok: number;
  cleanErrors: number;
  crashes: number;
  hangs: number;
  memory: number;
  changedOutside: number;
  dataLost: number;
  /** Inputs that were not clean, with what happened, for the failure message. */
  problems: string[];
}

/** An empty row for `corpus`. */
export function row(corpus: string): CorpusRow {
  return {
    corpus,
    inputs: 0,
    ok: 0,
    cleanErrors: 0,
    crashes: 0,
    hangs: 0,
    memory: 0,
    changedOutside: 0,
    dataLost: 0,
    problems: [],
  };
}

/** Counts one outcome into a row. */
export function count(target: CorpusRow, name: string, outcome: Outcome, detail: string): void {
  target.inputs++;
  if (outcome === 'ok') target.ok++;
  else if (outcome === 'clean-error') target.cleanErrors++;
  else {
    if (outcome === 'crash') target.crashes++;
    if (outcome === 'hang') target.hangs++;
    if (outcome === 'memory') target.memory++;
    target.problems.push(`${name}: ${detail}`);
  }
}

/** The table the suite prints: one line per corpus, every column but "clean errors" expected to be 0. */
export function formatTable(rows: readonly CorpusRow[]): string {
  const head = [
    'corpus',
    'inputs',
    'ok',
    'clean errors',
    'crashes',
    'hangs',
    'memory over limit',
    'files changed outside',
    'data lost',
  ];
  const cells = rows.map((r) =>
    [r.corpus, r.inputs, r.ok, r.cleanErrors, r.crashes, r.hangs, r.memory, r.changedOutside, r.dataLost].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]) =>
    `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
