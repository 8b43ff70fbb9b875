import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunRecord } from '../../src/protocol/runRecord';
import { deterministicMetrics } from '../support/metrics';
import { prng } from './corpora';
import { BIN, ROOT } from './harness';

// Fault injection (issue 13): kill -9 the CLI or the engine at 20 seeded points of a run with default settings (no
// checkpoint configured), during training and during checkpoint writes, then resume: every run resumes, its losses
// equal the uninterrupted run's (cpu backend: bit for bit), no engine is left running and no temporary file is left.
const STEPS = 60;
const work = mkdtempSync(join(tmpdir(), 'trainlens-faults-'));
after(() => rmSync(work, { recursive: true, force: true }));
const config = join(work, 'defaults.trainlens.yaml');
writeFileSync(
  config,
  readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8').replace('backend: auto', 'backend: cpu'),
);

/** Whether a process exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The run's record, once the engine has written it. */
function record(runDir: string): RunRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/** The last step metrics.jsonl shows. */
function loggedStep(runDir: string): number {
  if (!existsSync(join(runDir, 'metrics.jsonl'))) return 0;
  const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').filter(Boolean);
  try {
    return lines.length ? (JSON.parse(lines.at(-1)!) as { step: number }).step : 0;
  } catch {
    return 0;
  }
}

type Victim = 'cli' | 'engine';
type When = { readonly atStep: number } | 'checkpoint-write';

/** Starts a run and kills `victim` at `when`; resolves with the run folder and the pids once the CLI is gone. */
function runAndKill(
  out: string,
  victim: Victim,
  when: When,
): Promise<{ runDir: string; enginePid: number; killed: boolean }> {
  const cli = spawn(process.execPath, [BIN, 'run', config, '--steps', String(STEPS), '--out', out], {
    stdio: 'ignore',
  });
  return new Promise((resolve) => {
    let runDir: string | undefined;
    let enginePid = 0;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      process.kill(victim === 'cli' ? cli.pid! : enginePid, 'SIGKILL');
    };
    let watcher: ReturnType<typeof watch> | undefined;
    const poll = setInterval(() => {
      const id = existsSync(out) ? readdirSync(out)[0] : undefined;
      if (!id) return;
      runDir = join(out, id);
      enginePid = record(runDir)?.enginePid ?? 0;
      if (!enginePid) return;
      if (when === 'checkpoint-write') {
        const checkpoints = join(runDir, 'checkpoints');
        if (watcher || !existsSync(checkpoints)) return;
        watcher = watch(checkpoints, (_, name) => {
          if (name?.toString().startsWith('.tmp-')) kill();
        });
      } else if (loggedStep(runDir) >= when.atStep || (record(runDir)?.progress?.step ?? 0) >= when.atStep) kill();
    }, 5);
    cli.once('exit', () => {
      clearInterval(poll);
      watcher?.close();
      resolve({ runDir: runDir!, enginePid, killed });
    });
  });
}

test(
  'kill -9 of the CLI or the engine at 20 seeded points: every run resumes to the same losses, no orphan, no temp file',
  { timeout: 1_200_000 },
  async () => {
    const straight = spawnSync(
      process.execPath,
      [BIN, 'run', config, '--steps', String(STEPS), '--out', join(work, 'straight'), '--json'],
      { encoding: 'utf8' },
    );
    assert.equal(straight.status, 0, straight.stderr);
    const expected = deterministicMetrics((JSON.parse(straight.stdout) as { runDir: string }).runDir);
    assert.ok(expected.length >= 3);

    const random = prng(13);
    const outcomes: string[] = [];
    for (let point = 0; point < 20; point++) {
      const victim: Victim = point % 2 === 0 ? 'engine' : 'cli';
      const when: When = point % 5 === 4 ? 'checkpoint-write' : { atStep: 2 + Math.floor(random() * (STEPS - 10)) };
      const out = join(work, `point-${point}`);
      const { runDir, enginePid, killed } = await runAndKill(out, victim, when);
      outcomes.push(
        `${victim}@${typeof when === 'string' ? when : when.atStep}: ${killed ? 'killed' : 'finished first'}`,
      );
      // The engine never outlives its CLI: it exits when its host's channel closes.
      for (let i = 0; i < 100 && alive(enginePid); i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(alive(enginePid), false, `point ${point}: the engine ${enginePid} was left running`);
      const resumed = spawnSync(
        process.execPath,
        [BIN, 'run', config, '--steps', String(STEPS), '--out', out, '--resume', runDir, '--json'],
        { encoding: 'utf8' },
      );
      assert.equal(resumed.status, 0, `point ${point} (${outcomes.at(-1)}): ${resumed.stderr}`);
      assert.deepEqual(
        deterministicMetrics(runDir),
        expected,
        `point ${point} (${outcomes.at(-1)}): the resumed losses`,
      );
      const temps = (readdirSync(runDir, { recursive: true }) as string[]).filter((p) => /\.tmp-/.test(p));
      assert.deepEqual(temps, [], `point ${point}: temporary files left`);
    }
    assert.ok(outcomes.filter((o) => o.endsWith('killed')).length >= 16, outcomes.join('; '));
  },
);
