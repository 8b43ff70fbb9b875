import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A run directory: `.trainlens/runs/<id>/` with run.json, metrics.jsonl and (later) checkpoints/ and trace.json. */
export interface RunRecord {
  readonly id: string;
  readonly dir: string;
  /** Rewrites run.json atomically (temp file + rename), so a crash never leaves half a file. */
  writeRunJson(content: unknown): void;
  appendMetrics(row: unknown): void;
}

/** A sortable, unique run id: UTC date and time plus 4 random hex digits. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0')}`;
}

/** Creates the run directory under `runsDir`. */
export function createRunRecord(runsDir: string, id = newRunId()): RunRecord {
  const dir = join(runsDir, id);
  mkdirSync(dir, { recursive: true });
  const metrics = join(dir, 'metrics.jsonl');
  writeFileSync(metrics, '');
  return {
    id,
    dir,
    writeRunJson(content) {
      const target = join(dir, 'run.json');
      const temp = `${target}.tmp-${process.pid}`;
      writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`);
      renameSync(temp, target);
    },
    appendMetrics(row) {
      appendFileSync(metrics, `${JSON.stringify(row)}\n`);
    },
  };
}

/** The git commit of the folder holding the config, if it is in a repository (for run.json). */
export function gitCommit(configPath: string): string | undefined {
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dirname(configPath), encoding: 'utf8', timeout: 3000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}
