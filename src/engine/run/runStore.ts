import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RunRecord } from '../../protocol/runRecord';
import type { MetricsRecord } from '../train/loop';
import { listCheckpoints } from './checkpointManifest';
import { makeDirectory } from '../../files/safeFiles';

/**
 * A run directory: `.trainlens/runs/<id>/` with run.json, metrics.jsonl, memory.jsonl, checkpoints/ and trace.json.
 * Only {@link RunRecordWriter} (runRecordWriter.ts) calls `writeRunJson`.
 */
export interface RunStore {
  readonly id: string;
  readonly dir: string;
  /** Rewrites run.json atomically (temp file + rename), so a crash never leaves half a file. */
  writeRunJson(record: RunRecord): void;
  appendMetrics(row: unknown): void;
  appendMemory(row: unknown): void;
  /** Writes trace.json (Chrome trace-event format, opens in Perfetto) atomically. */
  writeTrace(content: unknown): void;
}

/** A sortable, unique run id: UTC date and time plus 4 random hex digits. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0')}`;
}

/** Creates the run directory under `runsDir`. */
export function createRunStore(runsDir: string, id = newRunId()): RunStore {
  const dir = join(runsDir, id);
  makeDirectory(dir, '--out');
  writeFileSync(join(dir, 'metrics.jsonl'), '');
  return openRunStore(dir);
}

/**
 * Reopens an existing run directory to continue it after `step`: metrics rows logged after that step (by a run that
 * was killed after its last checkpoint) are dropped, so the resumed run's rows follow on exactly.
 */
export function reopenRunStore(dir: string, step: number): RunStore {
  const metrics = join(dir, 'metrics.jsonl');
  const kept = (existsSync(metrics) ? readFileSync(metrics, 'utf8') : '').split('\n').filter((line) => {
    if (!line.trim()) return false;
    try {
      return (JSON.parse(line) as { step: number }).step <= step;
    } catch {
      return false; // a line cut short by a kill
    }
  });
  writeFileSync(metrics, kept.map((line) => `${line}\n`).join(''));
  return openRunStore(dir);
}

function openRunStore(dir: string): RunStore {
  const metrics = join(dir, 'metrics.jsonl');
  const memory = join(dir, 'memory.jsonl');
  return {
    id: basename(dir),
    dir,
    writeRunJson(record) {
      writeAtomically(join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
    },
    writeTrace(content) {
      writeAtomically(join(dir, 'trace.json'), `${JSON.stringify(content)}\n`);
    },
    appendMetrics(row) {
      appendFileSync(metrics, `${JSON.stringify(row)}\n`);
    },
    appendMemory(row) {
      appendFileSync(memory, `${JSON.stringify(row)}\n`);
    },
  };
}

/** The git commit of the folder holding the config, if it is in a repository (for run.json). */
export function gitCommit(configPath: string): string | undefined {
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dirname(configPath), encoding: 'utf8', timeout: 3000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The newest run directory under `runsDir` that has at least one checkpoint (for `--resume latest`). */
export function latestResumableRun(runsDir: string, checkpointsDir = 'checkpoints'): string | undefined {
  if (!existsSync(runsDir)) return undefined;
  return readdirSync(runsDir)
    .sort()
    .reverse()
    .map((id) => join(runsDir, id))
    .find((dir) => listCheckpoints(join(dir, checkpointsDir)).length > 0);
}

/** Metrics measured in wall-clock time: they differ between two runs that are otherwise identical. */
export const TIMING_METRICS: readonly string[] = ['data_wait_ms', 'step_ms'];

/** The rows of a run's metrics.jsonl. */
export function readMetrics(runDir: string): MetricsRecord[] {
  const text = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim();
  return text ? text.split('\n').map((line) => JSON.parse(line) as MetricsRecord) : [];
}

/** Writes a file through a temporary one and a rename, so a crash never leaves half a file. */
function writeAtomically(target: string, text: string): void {
  const temp = `${target}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, target);
}
