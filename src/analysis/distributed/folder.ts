/**
 * Trace folders: what `torch.profiler.tensorboard_trace_handler(dir, worker_name)` writes, one
 * `<worker>.<time>.pt.trace.json[.gz]` per worker (rank) and profiling cycle, and folders of plain `*.json[.gz]`
 * traces. Listing a folder reads only names, sizes and, for the rank, the first bytes of each trace (Kineto writes
 * `distributedInfo` before the events), so it is cheap whatever the traces' size.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import type { TraceFolder, TraceFolderEntry } from '../../protocol/distributed';
import { TraceError } from '../ingest/traceError';

/** `<worker>.<time>.pt.trace.json[.gz]`: the worker may itself contain dots (a host name). */
const HANDLER_NAME = /^(.+)\.(\d+)\.pt\.trace\.json(\.gz)?$/;
/** Any JSON trace, plain or gzip'd. */
const PLAIN_NAME = /^(.+?)(\.pt\.trace)?\.json(\.gz)?$/i;
/** A rank in a worker name: `rank3`, `rank_3`, `worker-rank-3`, or a bare number. The default `<host>_<pid>` is not. */
const RANK_NAME = /(?:^|[^a-z0-9])rank[_-]?(\d+)$|^rank(\d+)$|^(\d+)$/i;
/** How much of a trace's start is read for its `distributedInfo` (bytes of JSON). */
const HEAD_BYTES = 256 * 1024;
/** Files TrainLens itself writes into a run folder, which are not traces of a trace folder. */
const RUN_FILES = new Set(['run.json', 'metrics.jsonl', 'memory.jsonl', 'trace.json', 'config.yaml']);

/** Whether `dir` is a TrainLens run folder (run.json), which is read as a run, not as a trace folder. */
export function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, 'run.json'));
}

/**
 * Whether `dir` is a folder of traces: a `tensorboard_trace_handler` folder, or a folder with plain `*.json[.gz]`
 * traces. A TrainLens run folder is not (it is analysed as a run).
 */
export function isTraceFolder(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory() || isRunFolder(dir)) return false;
    return readdirSync(dir).some((name) => traceName(name) !== undefined && isFile(join(dir, name)));
  } catch {
    return false;
  }
}

/**
 * The traces of a folder, newest first, each with its worker, rank, time and profiling cycle. Throws a
 * {@link TraceError} naming the folder when it is a TrainLens run folder or holds no trace.
 */
export function listTraceFolder(dir: string): TraceFolder {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new TraceError(`cannot read the folder: ${(error as Error).message}`, dir);
  }
  if (isRunFolder(dir))
    throw new TraceError(
      'this is a TrainLens run folder, not a trace folder: analyse it as a run ("trainlens analyze RUN_DIR" reads its run.json and trace.json)',
      dir,
    );
  const found: Array<Omit<TraceFolderEntry, 'cycle'>> = [];
  let skippedFiles = 0;
  for (const name of names) {
    const file = join(dir, name);
    if (!isFile(file)) continue;
    const parsed = traceName(name);
    if (!parsed) {
      skippedFiles++;
      continue;
    }
    const stats = statSync(file);
    const rank = rankInHead(file) ?? rankOfWorker(parsed.worker);
    found.push({
      file,
      worker: parsed.worker,
      ...(rank !== undefined ? { rank } : {}),
      timeMs: parsed.timeMs ?? stats.mtimeMs,
      bytes: stats.size,
    });
  }
  if (found.length === 0 && names.some((name) => RUN_FILES.has(name)))
    throw new TraceError(
      'this folder is not a TrainLens run (no run.json) and has no other trace: analyse a run folder with its run.json, or give a trace file',
      dir,
    );
  if (found.length === 0)
    throw new TraceError(
      `the folder has no trace (${skippedFiles} other file${skippedFiles === 1 ? '' : 's'}): ` +
        'a trace folder holds the <worker>.<time>.pt.trace.json[.gz] files of torch.profiler.tensorboard_trace_handler, ' +
        'or *.json[.gz] traces; give a trace file or such a folder',
      dir,
    );
  return { dir, entries: withCycles(found), skippedFiles };
}

/** The worker and time (ms) a trace's file name gives, or undefined when the name is not a trace's. */
export function traceName(name: string): { worker: string; timeMs?: number } | undefined {
  if (RUN_FILES.has(name)) return undefined;
  const handler = HANDLER_NAME.exec(name);
  if (handler) return { worker: handler[1]!, timeMs: toMs(handler[2]!) };
  const plain = PLAIN_NAME.exec(name);
  return plain ? { worker: plain[1]! } : undefined;
}

/** The rank a worker name gives (`rank3`, `…_rank_3`, `3`), or undefined (`host_1234` is a pid, not a rank). */
export function rankOfWorker(worker: string): number | undefined {
  const match = RANK_NAME.exec(worker);
  const digits = match?.[1] ?? match?.[2] ?? match?.[3];
  return digits === undefined ? undefined : Number(digits);
}

/**
 * The handler's time stamp in ms: torch writes `int(time.time() * 1000)` (ms), newer releases `time.time_ns()`;
 * the magnitude tells which.
 */
function toMs(digits: string): number {
  // Nanoseconds have more digits than a double holds exactly: cut them to µs as integers first.
  if (digits.length > 17) return Number(BigInt(digits) / 1000n) / 1000;
  const value = Number(digits);
  if (value > 1e14) return value / 1e3;
  if (value < 1e11) return value * 1000;
  return value;
}

/** Each worker's traces numbered by time (its cycle 0, 1, …), then all of them newest first. */
function withCycles(found: ReadonlyArray<Omit<TraceFolderEntry, 'cycle'>>): TraceFolderEntry[] {
  const byWorker = new Map<string, Array<Omit<TraceFolderEntry, 'cycle'>>>();
  for (const entry of found) byWorker.set(entry.worker, [...(byWorker.get(entry.worker) ?? []), entry]);
  const entries: TraceFolderEntry[] = [];
  for (const list of byWorker.values())
    list
      .sort((a, b) => a.timeMs - b.timeMs || a.file.localeCompare(b.file))
      .forEach((entry, cycle) => entries.push({ ...entry, cycle }));
  return entries.sort(
    (a, b) => b.timeMs - a.timeMs || (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.file.localeCompare(b.file),
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The rank in the trace's `distributedInfo`, when it is within its first {@link HEAD_BYTES} (Kineto writes it
 * before the events). A gzip'd trace is inflated only that far.
 */
function rankInHead(file: string): number | undefined {
  let head: Buffer;
  try {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const read = readSync(fd, buffer, 0, HEAD_BYTES, 0);
      head = buffer.subarray(0, read);
    } finally {
      closeSync(fd);
    }
    if (head[0] === 0x1f && head[1] === 0x8b)
      head = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 4 * HEAD_BYTES });
  } catch {
    return undefined;
  }
  const text = head.subarray(0, 4 * HEAD_BYTES).toString('utf8');
  const info = /"distributedInfo"\s*:\s*\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)/.exec(text);
  const rank = info ? /"rank"\s*:\s*(\d+)/.exec(info[1]!) : undefined;
  return rank ? Number(rank[1]) : undefined;
}

/**
 * The traces of the folder that form one job: the latest profiling cycle that two or more ranks (or workers) share,
 * one trace per rank, by rank. Undefined when no cycle has two ranks (a single-rank folder).
 */
export function jobEntries(folder: TraceFolder): TraceFolderEntry[] | undefined {
  const byCycle = new Map<number, Map<string, TraceFolderEntry>>();
  for (const entry of folder.entries) {
    const ranks = byCycle.get(entry.cycle) ?? new Map<string, TraceFolderEntry>();
    const key = entry.rank !== undefined ? `rank ${entry.rank}` : entry.worker;
    // Entries are newest first: the first seen for a rank is its newest in that cycle.
    if (!ranks.has(key)) ranks.set(key, entry);
    byCycle.set(entry.cycle, ranks);
  }
  const cycles = [...byCycle.keys()].filter((c) => byCycle.get(c)!.size >= 2).sort((a, b) => b - a);
  if (cycles.length === 0) return undefined;
  return [...byCycle.get(cycles[0]!)!.values()].sort(
    (a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.worker.localeCompare(b.worker),
  );
}

/** A short name for an entry in listings: the file name. */
export function entryLabel(entry: TraceFolderEntry): string {
  return basename(entry.file);
}
