import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { MetricsNotification, ProgressNotification } from '../protocol/engine';
import { EngineClient } from './engineClient';
import { readRunRecord } from '../runStore/readRunRecord';
import { startRun, type RunSession } from './runSession';

// Two real runs at once in one real engine process, through one client: each session's listeners must see only
// their own run's progress, metrics and outcome (vscode-jsonrpc keeps one handler per method, so this is the
// router's work).
const ENGINE = join(__dirname, '..', 'engine', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'trainlens-router-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quickstart = readFileSync(join(__dirname, '..', '..', 'examples', 'quickstart.yaml'), 'utf8');

function config(name: string, logEvery: number, seed: number): string {
  const path = join(dir, `${name}.trainlens.yaml`);
  writeFileSync(
    path,
    quickstart
      .replace('log_every: 20', `log_every: ${logEvery}`)
      .replace('enabled: true', 'enabled: false')
      .replace('backend: auto', 'backend: cpu')
      .replace('  seed: 42\n  batch_size', `  seed: ${seed}\n  batch_size`),
  );
  return path;
}

test('two runs at once on one client: each listener gets only its own events and outcome', async () => {
  const client = await EngineClient.start({
    enginePath: ENGINE,
    execArgv: ['--import', 'tsx'],
    clientName: 'router-test',
  });
  try {
    const plans = [
      { configPath: config('a', 5, 1), steps: 40, logEvery: 5 },
      { configPath: config('b', 4, 2), steps: 60, logEvery: 4 },
    ];
    const seen = plans.map(() => ({
      progress: [] as ProgressNotification.Params[],
      metrics: [] as MetricsNotification.Params[],
    }));
    const firstProgressAt: number[] = [];
    const sessions = await Promise.all(
      plans.map((plan, i) =>
        startRun(
          client,
          { configPath: plan.configPath, steps: plan.steps, outDir: join(dir, `runs-${i}`) },
          {
            onProgress: (p) => {
              firstProgressAt[i] ??= performance.now();
              seen[i]!.progress.push(p);
            },
            onMetrics: (m) => seen[i]!.metrics.push(m),
          },
        ),
      ),
    );
    assert.notEqual(sessions[0]!.runId, sessions[1]!.runId);
    const finishedAt: number[] = [];
    const summaries = await Promise.all(
      sessions.map((s, i) =>
        s.outcome.then((summary) => {
          finishedAt[i] = performance.now();
          return summary;
        }),
      ),
    );
    plans.forEach((plan, i) => {
      const { progress, metrics } = seen[i]!;
      const session = sessions[i]!;
      assert.ok(progress.length > 0 && metrics.length > 0, `run ${i} got events`);
      assert.deepEqual(new Set([...progress, ...metrics].map((e) => e.runId)), new Set([session.runId]));
      assert.equal(progress.at(-1)!.step, plan.steps);
      assert.ok(progress.every((p) => p.totalSteps === plan.steps));
      assert.deepEqual(
        metrics.map((m) => m.step),
        Array.from({ length: plan.steps / plan.logEvery }, (_, k) => (k + 1) * plan.logEvery),
      );
      assert.equal(summaries[i]!.runDir, session.runDir);
      assert.equal(summaries[i]!.steps, plan.steps);
      assert.equal(summaries[i]!.status, 'completed');
    });
    // The runs really overlapped: each made progress before the other finished.
    assert.ok(firstProgressAt[0]! < finishedAt[1]! && firstProgressAt[1]! < finishedAt[0]!, 'the runs overlapped');
    assert.equal(client.runs.active, 0, 'sessions release their routes when they end');
  } finally {
    await client.shutdown();
  }
});

test('cancel stops a run with its emergency checkpoint; force stops it without one and records why', async () => {
  const client = await EngineClient.start({ enginePath: ENGINE, execArgv: ['--import', 'tsx'], clientName: 'cancel' });
  try {
    const stopped = async (force: boolean) => {
      let cancelled = false;
      const session: RunSession = await startRun(
        client,
        {
          configPath: config(force ? 'forced' : 'graceful', 5, 3),
          steps: 100_000,
          outDir: join(dir, `cancel-${force}`),
        },
        {
          onProgress: (p) => {
            if (p.step < 10 || cancelled) return;
            cancelled = true;
            void session.cancel(force);
          },
        },
      );
      const summary = await session.outcome;
      return { summary, record: readRunRecord(session.runDir) };
    };
    const graceful = await stopped(false);
    assert.equal(graceful.summary.status, 'stopped');
    assert.equal(graceful.record.status, 'stopped');
    assert.equal(graceful.record.failure, undefined);
    assert.ok(existsSync(join(graceful.summary.runDir, 'checkpoints')), 'the emergency checkpoint');
    const forced = await stopped(true);
    assert.equal(forced.summary.status, 'stopped');
    assert.equal(forced.record.failure?.kind, 'cancelled');
    assert.equal(forced.record.failure?.step, forced.summary.steps);
    assert.equal(existsSync(join(forced.summary.runDir, 'checkpoints')), false, 'no checkpoint when forced');
  } finally {
    await client.shutdown();
  }
});
