import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readBoundedText } from '../files/safeFiles';
import { RUN_HEARTBEAT_STALE_MS, type RunRecord, type RunRecordView } from '../protocol/runRecord';

/** run.json above this size is not a run record (it holds a config and a summary: kilobytes). */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** How much of the end of metrics.jsonl is read to find the last step logged. */
const METRICS_TAIL_BYTES = 64 * 1024;

/** Whether a process with this id exists on this machine (EPERM: it exists but belongs to someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How a reader tells whether a run's writer is still alive; tests replace the clock. */
export interface LivenessProbe {
  readonly now?: () => number;
  readonly host?: string;
  readonly processExists?: (pid: number) => boolean;
}

/**
 * Why a record that says `running` is not running any more, or undefined when its writer may still be at it: the
 * engine's process is gone from this host, or (on any host) its heartbeat stopped long ago.
 */
export function interruptedBecause(record: RunRecord, probe: LivenessProbe = {}): string | undefined {
  if (record.status !== 'running') return undefined;
  const here = probe.host ?? hostname();
  const exists = probe.processExists ?? processExists;
  if (record.host === undefined || record.host === here) {
    if (!exists(record.enginePid))
      return `its engine (pid ${record.enginePid}) is no longer running: it was killed or crashed`;
  }
  const beat = Date.parse(record.heartbeatAt ?? record.startedAt);
  const age = (probe.now ?? Date.now)() - beat;
  if (Number.isFinite(age) && age > RUN_HEARTBEAT_STALE_MS)
    return `its engine (pid ${record.enginePid}${record.host ? ` on ${record.host}` : ''}) has not written a heartbeat for ${Math.round(age / 1000)} s`;
  return undefined;
}

/** The step of the last complete row of metrics.jsonl, read from the file's end only. */
export function lastLoggedStep(runDir: string): number | undefined {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, METRICS_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const step = (JSON.parse(lines[i]!) as { step?: unknown }).step;
        if (typeof step === 'number' && Number.isFinite(step)) return step;
      } catch {
        // a line cut short by a kill, or the first (partial) line of the tail
      }
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Thrown when run.json is missing, unreadable or not a run record; the message names the file and the fix. */
export class RunRecordError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'RunRecordError';
  }
}

/**
 * Reads a run directory's run.json as its readers need it: a record still marked `running` whose writer is gone
 * reads as `interrupted`, and `lastStep` is the furthest step the run's files show (its heartbeat or its last
 * metrics row).
 */
export function readRunRecord(runDir: string, probe: LivenessProbe = {}): RunRecordView {
  const file = join(runDir, 'run.json');
  if (!existsSync(file)) throw new RunRecordError('this folder is not a TrainLens run (no run.json)', file);
  let record: RunRecord;
  try {
    // A FIFO or a device named run.json must not hang or flood the reader: regular files within the limit only.
    record = JSON.parse(readBoundedText(file, 'run.json', MAX_RECORD_BYTES)) as RunRecord;
  } catch (error) {
    throw new RunRecordError(`cannot read run.json: ${(error as Error).message}`, file);
  }
  if (typeof record !== 'object' || record === null || typeof record.status !== 'string')
    throw new RunRecordError('run.json is not a TrainLens run record (it has no status)', file);
  const logged = lastLoggedStep(runDir);
  const lastStep = Math.max(record.summary?.steps ?? 0, record.progress?.step ?? 0, logged ?? 0);
  const because = interruptedBecause(record, probe);
  return because
    ? { ...record, status: 'interrupted', lastStep, interruptedBecause: because }
    : { ...record, lastStep };
}

/** {@link readRunRecord}, or undefined when the folder has no readable record (a run that never started). */
export function tryReadRunRecord(runDir: string, probe: LivenessProbe = {}): RunRecordView | undefined {
  try {
    return readRunRecord(runDir, probe);
  } catch {
    return undefined;
  }
}
