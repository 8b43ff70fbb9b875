import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { listCheckpoints } from '../../src/engine/run/checkpoint';
import { readMetrics } from '../../src/engine/run/runStore';
import type { RunRecord } from '../../src/protocol/runRecord';
import { BIN, writeQuickstart } from '../support/cli';

// SIGTERM (docker stop, CI cancellation, job schedulers) to the CLI and SIGHUP to the engine stop a run as Ctrl+C
// does: the emergency checkpoint, run.json says stopped, no engine is left behind, and the run resumes. The config
// sets no checkpoints at all: resumable is the default.
const work = mkdtempSync(join(tmpdir(), 'trainlens-signals-'));
after(() => rmSync(work, { recursive: true, force: true }));
const config = writeQuickstart(join(work, 'signals.trainlens.yaml'), (text) =>
  text
    .replace('log_every: 20', 'log_every: 5')
    .replace('enabled: true', 'enabled: false')
    .replace('backend: auto', 'backend: cpu'),
);
const out = join(work, 'runs');

const record = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunRecord;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Starts a long `trainlens run` (resuming when `resume`), waits until metrics.jsonl has a row past `after`, sends
 * `signal` to the CLI or to its engine, and resolves with the CLI's exit code, its stdout and the engine's pid.
 */
function runAndSignal(
  signal: NodeJS.Signals,
  target: 'cli' | 'engine',
  after: number,
  resume?: string,
): Promise<{ code: number | null; stdout: string; enginePid: number }> {
  const args = [BIN, 'run', config, '--out', out, '--steps', '100000', ...(resume ? ['--resume', resume] : [])];
  const cli = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    let enginePid: number | undefined;
    const poll = setInterval(() => {
      const id = existsSync(out) ? readdirSync(out)[0] : undefined;
      if (!id || !existsSync(join(out, id, 'run.json'))) return;
      const runDir = join(out, id);
      const { status, enginePid: pid } = record(runDir);
      const last = readMetrics(runDir).at(-1)?.step ?? 0;
      if (status !== 'running' || last <= after) return;
      clearInterval(poll);
      enginePid = pid;
      process.kill(target === 'cli' ? cli.pid! : pid, signal);
    }, 20);
    cli.once('exit', (code) => {
      clearInterval(poll);
      if (enginePid === undefined) reject(new Error(`the run ended (exit ${code}) before the signal`));
      else resolve({ code, stdout, enginePid });
    });
  });
}

/** Waits up to 5 s for a process to be gone. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

test(
  'SIGTERM to the CLI and SIGHUP to the engine stop the run with its checkpoint; run.json says stopped; it resumes',
  { timeout: 180_000 },
  async () => {
    const first = await runAndSignal('SIGTERM', 'cli', 0);
    assert.equal(first.code, 0);
    assert.match(first.stdout, /^Run stopped: \d+ steps/);
    const runDir = join(out, readdirSync(out)[0]!);
    const stopped = record(runDir);
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.failure, undefined);
    const stoppedAt = stopped.summary!.steps;
    assert.deepEqual(listCheckpoints(join(runDir, 'checkpoints')), [`step-${String(stoppedAt).padStart(8, '0')}`]);
    assert.ok(await gone(first.enginePid), 'no engine is left running');

    const second = await runAndSignal('SIGHUP', 'engine', stoppedAt, runDir);
    assert.equal(second.code, 0);
    assert.notEqual(second.enginePid, first.enginePid);
    const again = record(runDir);
    assert.equal(again.status, 'stopped');
    assert.equal(again.resumedFromStep, stoppedAt);
    const secondAt = again.summary!.steps;
    assert.ok(secondAt > stoppedAt, `${secondAt} > ${stoppedAt}`);
    assert.ok(await gone(second.enginePid), 'the signalled engine exited');

    const total = secondAt + 7;
    const final = spawnSync(
      process.execPath,
      [BIN, 'run', config, '--out', out, '--steps', String(total), '--resume', 'latest', '--json'],
      { encoding: 'utf8' },
    );
    assert.equal(final.status, 0, final.stderr);
    assert.equal((JSON.parse(final.stdout) as { steps: number }).steps, total);
    assert.equal(readdirSync(out).length, 1, 'every resume continued the same run folder');
    // The metrics rows follow on exactly: every 5 steps and the last, none twice.
    const steps = readMetrics(runDir).map((row) => row.step);
    const expected = [...Array.from({ length: Math.floor(total / 5) }, (_, i) => (i + 1) * 5), total];
    assert.deepEqual(steps, [...new Set(expected)]);
  },
);
