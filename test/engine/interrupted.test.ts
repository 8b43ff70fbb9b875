import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AnalysisReport } from '../../src/protocol/analysis';
import type { RunRecord } from '../../src/protocol/runRecord';
import { readRunRecord } from '../../src/runStore/readRunRecord';
import { readTrialRun } from '../../src/tuner/trial';

// kill -9 a real engine in the middle of a run: run.json still says "running", and every reader (the CLI's analyze
// of the run folder, the tuner's trial reader, the run store's reader) must say "interrupted", with the last step.
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'trainlens.js');
const work = mkdtempSync(join(tmpdir(), 'trainlens-interrupted-'));
after(() => rmSync(work, { recursive: true, force: true }));

const config = join(work, 'long.trainlens.yaml');
writeFileSync(
  config,
  readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8')
    .replace('log_every: 20', 'log_every: 5')
    .replace('warmup_steps: 5\n    steps: 20', 'warmup_steps: 2\n    steps: 5')
    .replace('backend: auto', 'backend: cpu'),
);

/** Starts a long run, waits until it has logged `step`, kills its engine with SIGKILL; resolves with the run dir. */
function runUntilKilled(out: string, step: number): Promise<{ runDir: string; pid: number }> {
  const cli = spawn(process.execPath, [BIN, 'run', config, '--out', out, '--steps', '100000'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    let killed: { runDir: string; pid: number } | undefined;
    const poll = setInterval(() => {
      const id = existsSync(out) ? readdirSync(out)[0] : undefined;
      if (!id) return;
      const runDir = join(out, id);
      const metrics = existsSync(join(runDir, 'metrics.jsonl'))
        ? readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').filter(Boolean)
        : [];
      if (metrics.length === 0 || (JSON.parse(metrics.at(-1)!) as { step: number }).step < step) return;
      clearInterval(poll);
      const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunRecord;
      process.kill(record.enginePid, 'SIGKILL');
      killed = { runDir, pid: record.enginePid };
    }, 20);
    cli.once('exit', (code) => {
      clearInterval(poll);
      if (killed) resolve(killed);
      else reject(new Error(`the run ended (exit ${code}) before it was killed`));
    });
  });
}

test(
  'a run whose engine was killed reads as interrupted, with its last step, in every reader',
  { timeout: 180_000 },
  async () => {
    const { runDir, pid } = await runUntilKilled(join(work, 'runs'), 40);
    const raw = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(raw.status, 'running', 'the killed engine could not write its end');
    assert.equal(raw.enginePid, pid);
    assert.ok(raw.host && raw.heartbeatAt, 'the record names its writer and its heartbeat');

    const record = readRunRecord(runDir);
    assert.equal(record.status, 'interrupted');
    assert.ok(record.lastStep >= 40, `last step ${record.lastStep}`);
    assert.match(record.interruptedBecause ?? '', new RegExp(`pid ${pid}\\) is no longer running`));

    const trial = readTrialRun(runDir);
    assert.equal(trial.status, 'interrupted');
    assert.equal(trial.lastStep, record.lastStep);
    assert.match(trial.reason ?? '', new RegExp(`interrupted at step ${record.lastStep}`));

    // The profiling window ended long before the kill, so the run folder has its trace and analyses.
    const json = spawnSync(process.execPath, [BIN, 'analyze', runDir, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(json.status, 0, json.stderr);
    const report = JSON.parse(json.stdout) as AnalysisReport;
    assert.equal(report.run?.status, 'interrupted');
    assert.equal(report.run?.lastStep, record.lastStep);
    const text = spawnSync(process.execPath, [BIN, 'analyze', runDir], { encoding: 'utf8' });
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Run: interrupted at step ${record.lastStep}`));
  },
);

test('a run killed before its trace was written says so when analysed', { timeout: 180_000 }, async () => {
  const early = join(work, 'early.trainlens.yaml');
  writeFileSync(
    early,
    readFileSync(config, 'utf8').replace('warmup_steps: 2\n    steps: 5', 'warmup_steps: 500\n    steps: 5'),
  );
  const cli = spawn(process.execPath, [BIN, 'run', early, '--out', join(work, 'early'), '--steps', '100000'], {
    stdio: 'ignore',
  });
  const runDir = await new Promise<string>((resolve) => {
    const poll = setInterval(() => {
      const out = join(work, 'early');
      const id = existsSync(out) ? readdirSync(out)[0] : undefined;
      if (!id || !existsSync(join(out, id, 'metrics.jsonl'))) return;
      if (!readFileSync(join(out, id, 'metrics.jsonl'), 'utf8').includes('"step":10,')) return;
      clearInterval(poll);
      const record = JSON.parse(readFileSync(join(out, id, 'run.json'), 'utf8')) as RunRecord;
      process.kill(record.enginePid, 'SIGKILL');
      cli.once('exit', () => resolve(join(out, id)));
    }, 20);
  });
  const result = spawnSync(process.execPath, [BIN, 'analyze', runDir], { encoding: 'utf8' });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /the run was interrupted at step \d+ \(its engine \(pid \d+\) is no longer running/);
  assert.match(result.stderr, /trainlens profile CONFIG/);
});
