import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { deterministicMetrics } from '../support/metrics';

// Kill -9 the real engine process during training and during checkpoint writes, resume each time, and check that
// no checkpoint is ever corrupt and that the resumed run's loss values equal an uninterrupted run's, exactly (cpu).
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'trainlens.js');
const work = mkdtempSync(join(tmpdir(), 'trainlens-kill-'));
after(() => rmSync(work, { recursive: true, force: true }));

const STEPS = 150;
const config = join(work, 'kill.trainlens.yaml');
writeFileSync(
  config,
  readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8')
    .replace('log_every: 20', 'log_every: 5')
    .replace('monitoring:\n', 'monitoring:\n  checkpoints:\n    every: 3\n    keep: 3\n')
    .replace('backend: auto', 'backend: cpu'),
);

function runDirOf(out: string): string | undefined {
  if (!existsSync(out)) return undefined;
  const dirs = readdirSync(out).sort();
  return dirs.length ? join(out, dirs.at(-1)!) : undefined;
}

/** Starts `trainlens run` and kills its engine with SIGKILL when `when` says so; resolves once the CLI has exited. */
/** Engines this test has killed: their run.json still says "running" with their pid. */
const deadPids = new Set<number>();

function runAndKill(
  out: string,
  resume: boolean,
  when: 'training' | 'checkpoint-write',
): Promise<'killed' | 'finished'> {
  const args = [BIN, 'run', config, '--out', out, '--steps', String(STEPS), ...(resume ? ['--resume', 'latest'] : [])];
  const cli = spawn(process.execPath, args, { stdio: 'ignore' });
  return new Promise((resolve) => {
    let killed = false;
    const kill = (pid: number) => {
      if (killed) return;
      try {
        process.kill(pid, 'SIGKILL');
        killed = true;
        deadPids.add(pid);
      } catch {
        // Already finished.
      }
    };
    const poll = setInterval(() => {
      const dir = runDirOf(out);
      const runJson = dir && join(dir, 'run.json');
      if (!runJson || !existsSync(runJson)) return;
      const { enginePid, status } = JSON.parse(readFileSync(runJson, 'utf8')) as { enginePid: number; status: string };
      const checkpoints = join(dir, 'checkpoints');
      // A killed engine leaves run.json saying "running" with its pid: wait for this round's engine.
      if (status !== 'running' || deadPids.has(enginePid) || !existsSync(checkpoints)) return;
      clearInterval(poll);
      if (when === 'training') setTimeout(() => kill(enginePid), 30 + Math.floor(Math.random() * 200));
      else {
        // Kill the moment a checkpoint's temporary folder appears: the write is in progress.
        const watcher = watch(checkpoints, (_, name) => {
          if (name?.toString().startsWith('.tmp-')) {
            kill(enginePid);
            watcher.close();
          }
        });
        cli.once('exit', () => watcher.close());
      }
    }, 10);
    cli.once('exit', () => {
      clearInterval(poll);
      resolve(killed ? 'killed' : 'finished');
    });
  });
}

/** Every complete checkpoint has a readable state and weights of exactly the recorded size. */
function assertCheckpointsIntact(dir: string): number {
  const names = readdirSync(join(dir, 'checkpoints')).filter((n) => n.startsWith('step-'));
  for (const name of names) {
    const state = JSON.parse(readFileSync(join(dir, 'checkpoints', name, 'state.json'), 'utf8')) as {
      tensors: Array<{ length: number }>;
      step: number;
    };
    const size = statSync(join(dir, 'checkpoints', name, 'weights.bin')).size;
    assert.equal(
      size,
      state.tensors.reduce((sum, t) => sum + t.length, 0),
      `${name} weights`,
    );
    assert.equal(name, `step-${String(state.step).padStart(8, '0')}`);
  }
  return names.length;
}

test(
  'kill -9 during training and during checkpoint writes: no corrupt checkpoint, and the resumed losses equal the uninterrupted run',
  { timeout: 240_000 },
  async () => {
    const baseline = spawnSync(
      process.execPath,
      [BIN, 'run', config, '--out', join(work, 'baseline'), '--steps', String(STEPS), '--json'],
      { encoding: 'utf8' },
    );
    assert.equal(baseline.status, 0, baseline.stderr);
    const baselineDir = (JSON.parse(baseline.stdout) as { runDir: string }).runDir;

    const out = join(work, 'killed');
    mkdirSync(out);
    const outcomes: string[] = [];
    const plan: Array<'training' | 'checkpoint-write'> = [
      'training',
      'checkpoint-write',
      'training',
      'checkpoint-write',
      'checkpoint-write',
    ];
    for (const [i, when] of plan.entries()) {
      outcomes.push(await runAndKill(out, i > 0, when));
      assert.ok(assertCheckpointsIntact(runDirOf(out)!) > 0);
    }
    assert.ok(outcomes.filter((o) => o === 'killed').length >= 3, `kills: ${outcomes.join(', ')}`);
    const final = spawnSync(
      process.execPath,
      [BIN, 'run', config, '--out', out, '--steps', String(STEPS), '--resume', 'latest', '--json'],
      { encoding: 'utf8' },
    );
    // The previous round may already have finished the run; resuming a finished run continues at its last step.
    assert.equal(final.status, 0, final.stderr);
    const dir = runDirOf(out)!;
    assert.equal(readdirSync(out).length, 1, 'every resume continued the same run directory');
    assertCheckpointsIntact(dir);
    assert.deepEqual(deterministicMetrics(dir), deterministicMetrics(baselineDir));
  },
);
