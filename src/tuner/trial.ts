import { writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { defined } from '../common/defined';
import { applyTextEdits, setConfigValueEdits } from '../config/edit';
import { parseDocument } from 'yaml';
import { EngineClient } from '../engineClient/engineClient';
import { RunFailure, startRun } from '../engineClient/runSession';
import type { RunFailureKind } from '../protocol/runRecord';
import { tryReadRunRecord } from '../runStore/readRunRecord';
import type { Params, Trial, TrialStatus } from './types';
import { maxOf } from '../common/stats';
import { makeDirectory } from '../files/safeFiles';

/** How trials are run and measured. */
export interface TrialOptions {
  /** The engine entry (`dist/engine.js`). */
  readonly enginePath: string;
  /** Node flags for the engine (tests run it from sources with `--import tsx`). */
  readonly execArgv?: readonly string[];
  /** The Node binary and native-modules folder the editor's settings name for the engine. */
  readonly execPath?: string;
  readonly nativeModulesPath?: string;
  /** The user's config: its text and where it lives (relative data and model paths resolve from there). */
  readonly baseText: string;
  readonly configPath: string;
  /** The tuning folder: trial configs and run records go here, nowhere else. */
  readonly workDir: string;
  readonly warmupSteps: number;
  readonly measureSteps: number;
  readonly maxRepeats: number;
  /** Relative spread of samples/s between repeats above which the trial runs again. */
  readonly noiseThreshold: number;
  /** A trial that takes longer is stopped and counted as `timeout`. */
  readonly timeoutMs: number;
  /** Settings every trial gets. */
  readonly fixed: Params;
  /** Peak tensor memory above this counts as out of memory (`tuning.memory_cap_mb`). */
  readonly capBytes?: number;
  /**
   * Objective time to loss: each run trains until the logged loss reaches this (then stops) or the trial times
   * out; the trial measures the wall time from the start of training.
   */
  readonly targetLoss?: number;
  readonly signal?: AbortSignal;
  /** Engine processes started and ended, so a caller can prove none is left (tests). */
  readonly onProcess?: (pid: number, alive: boolean) => void;
}

/** Config paths that name files, made absolute in trial configs (which live in the tuning folder). */
const FILE_PATHS = ['data.path', 'model.path'] as const;

/** The user's YAML with `params` (and the fixed settings) set, file paths made absolute. */
export function trialText(options: Pick<TrialOptions, 'baseText' | 'configPath' | 'fixed'>, params: Params): string {
  let text = options.baseText;
  const doc = parseDocument(text);
  for (const path of FILE_PATHS) {
    const value = doc.getIn(path.split('.'));
    if (typeof value === 'string' && !isAbsolute(value))
      text = applyTextEdits(text, setConfigValueEdits(text, path, resolve(dirname(options.configPath), value)));
  }
  for (const [path, value] of Object.entries({ ...options.fixed, ...params }))
    text = applyTextEdits(text, setConfigValueEdits(text, path, value));
  return text;
}

/** What one engine run of a trial measured. */
interface Measurement {
  readonly status: TrialStatus;
  /** Milliseconds from the start of training until the loss reached the target (objective time to loss). */
  readonly timeToLossMs?: number;
  readonly samplesPerSec: number;
  readonly p50: number;
  readonly p90: number;
  readonly peakBytes: number;
  readonly reason?: string;
}

/** What a trial's run record says: how it ended (by failure kind, never by message text) and what it measured. */
export interface TrialRun {
  /** `ok` when the run completed with measured steps; undefined when the record does not decide (no record). */
  readonly status?: TrialStatus;
  readonly reason?: string;
  readonly measured?: { samplesPerSec: number; p50StepMs: number; p90StepMs: number } | null;
  readonly peakBytes: number;
  /** The furthest step the run reached. */
  readonly lastStep: number;
}

/** Trial statuses of the run record's failure kinds. */
const STATUS_OF_FAILURE: Readonly<Record<RunFailureKind, TrialStatus>> = {
  oom: 'oom',
  nan: 'nan',
  data: 'failed',
  config: 'failed',
  cancelled: 'failed',
  internal: 'failed',
};

/** The tuner's reader of a trial's run.json (through the run store's reader, so a killed run reads as interrupted). */
export function readTrialRun(runDir: string): TrialRun {
  const run = tryReadRunRecord(runDir);
  if (!run) return { peakBytes: 0, lastStep: 0 };
  const base = {
    measured: run.timing?.measured ?? null,
    peakBytes: run.summary?.peakMemoryBytes ?? 0,
    lastStep: run.lastStep,
  };
  if (run.status === 'interrupted')
    return { ...base, status: 'interrupted', reason: `interrupted at step ${run.lastStep}: ${run.interruptedBecause}` };
  if (run.failure) return { ...base, status: STATUS_OF_FAILURE[run.failure.kind], reason: run.failure.message };
  if (run.status === 'completed' && run.timing?.measured) return { ...base, status: 'ok' };
  return { ...base, status: 'failed', ...(run.reason ? { reason: run.reason } : { reason: 'no measurement' }) };
}

/** Runs the trial config once in a fresh engine process. */
async function measureOnce(options: TrialOptions, configFile: string, outDir: string): Promise<Measurement> {
  const client = await EngineClient.start({
    enginePath: options.enginePath,
    clientName: 'trainlens-tuner',
    ...defined({
      execArgv: options.execArgv,
      execPath: options.execPath,
      nativeModulesPath: options.nativeModulesPath,
    }),
  });
  const pid = client.info.pid;
  options.onProcess?.(pid, true);
  let timer: NodeJS.Timeout | undefined;
  const abort = () => client.kill();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    if (options.signal?.aborted) throw new Error('cancelled');
    const target = options.targetLoss;
    let reachedMs: number | undefined;
    let lastLoss: number | undefined;
    /** Stops the run once the target is reached (set when the run has started). */
    const control: { stop?: () => void } = {};
    const trainingStarted = performance.now();
    const session = await startRun(
      client,
      {
        configPath: configFile,
        outDir,
        // To a target loss, the run goes on until it gets there (or the trial times out).
        steps: target !== undefined ? 1_000_000 : options.warmupSteps + options.measureSteps,
        measureAfter: options.warmupSteps,
      },
      target !== undefined
        ? {
            onMetrics: (m) => {
              const loss = m.values['loss'];
              if (loss === undefined || reachedMs !== undefined) return;
              lastLoss = loss;
              if (loss > target) return;
              reachedMs = performance.now() - trainingStarted;
              control.stop?.();
            },
          }
        : {},
    );
    control.stop = () => void session.cancel(true).catch(() => undefined);
    // The target may have been reached before the start request's answer arrived.
    if (reachedMs !== undefined) control.stop();
    let timedOut = false;
    timer = setTimeout(() => {
      timedOut = true;
      void session.cancel(true).catch(() => undefined);
      setTimeout(() => client.kill(), 2000).unref();
    }, options.timeoutMs);
    let failure: RunFailure | undefined;
    await session.outcome.catch((error: unknown) => {
      failure = error instanceof RunFailure ? error : new RunFailure(String(error));
    });
    if (options.signal?.aborted) throw new Error('cancelled');
    const run = readTrialRun(session.runDir);
    const reason = run.reason ?? failure?.message;
    // A failure the engine reported but could not record (it died) still has its kind.
    const recorded = run.status ?? (failure ? STATUS_OF_FAILURE[failure.kind] : 'failed');
    const status: TrialStatus =
      reachedMs !== undefined ? 'ok' : timedOut || target !== undefined ? 'timeout' : recorded;
    const measured = run.measured;
    const missed =
      target !== undefined && reachedMs === undefined
        ? `the loss did not reach ${target}${lastLoss !== undefined ? ` (last ${lastLoss.toPrecision(4)})` : ''}${timedOut ? ` within ${options.timeoutMs / 1000} s` : ''}`
        : undefined;
    return {
      status,
      ...(reachedMs !== undefined ? { timeToLossMs: Math.round(reachedMs) } : {}),
      samplesPerSec: status === 'ok' && measured ? measured.samplesPerSec : 0,
      p50: measured?.p50StepMs ?? 0,
      p90: measured?.p90StepMs ?? 0,
      peakBytes: run.peakBytes,
      ...(status !== 'ok'
        ? { reason: missed ?? (timedOut ? `over ${options.timeoutMs} ms` : (reason ?? 'no measurement')) }
        : {}),
    };
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', abort);
    if (!client.exited) await client.shutdown().catch(() => client.kill());
    options.onProcess?.(pid, false);
  }
}

/**
 * Runs one trial: writes its config into the tuning folder, trains warm-up + measured steps in a fresh engine
 * process `minRuns` times, then again (up to `maxRepeats`) while the spread of samples/s between the runs is above
 * `noiseThreshold`. The trial's samples/s is the median of its runs. The tuner asks for two runs where a wrong
 * number would mislead (the baseline, the winner), one elsewhere.
 */
export async function runTrial(
  options: TrialOptions,
  id: number,
  params: Params,
  phase: Trial['phase'],
  minRuns = 1,
): Promise<Trial> {
  const started = performance.now();
  const dir = join(options.workDir, `trial-${String(id).padStart(3, '0')}`);
  makeDirectory(dir, 'the trial folder');
  const configFile = join(dir, 'config.trainlens.yaml');
  writeFileSync(configFile, trialText(options, params));
  const runs: Measurement[] = [];
  const most = Math.max(minRuns, options.maxRepeats);
  for (let repeat = 0; repeat < most; repeat++) {
    const run = await measureOnce(options, configFile, join(dir, 'runs'));
    runs.push(run);
    if (run.status !== 'ok') break;
    if (runs.length >= minRuns && (runs.length < 2 || spreadOf(runs) <= options.noiseThreshold)) break;
  }
  // Over the memory cap is out of memory, whatever the machine let the run allocate.
  const cap = options.capBytes;
  const last0 = runs.at(-1)!;
  if (cap !== undefined && last0.status === 'ok' && last0.peakBytes > cap)
    runs[runs.length - 1] = {
      ...last0,
      status: 'oom',
      samplesPerSec: 0,
      reason: `peak tensor memory ${(last0.peakBytes / 1024 ** 2).toFixed(1)} MiB is over the memory cap of ${(cap / 1024 ** 2).toFixed(0)} MiB`,
    };
  const ok = runs.filter((r) => r.status === 'ok');
  const last = runs.at(-1)!;
  const median = <K extends keyof Measurement>(key: K): number => {
    const values = ok.map((r) => r[key] as number).sort((a, b) => a - b);
    return values.length ? values[Math.floor((values.length - 1) / 2)]! : 0;
  };
  return {
    id,
    params,
    samplesPerSec: ok.length ? median('samplesPerSec') : 0,
    ...(ok.some((r) => r.timeToLossMs !== undefined) ? { timeToLossMs: median('timeToLossMs') } : {}),
    stepMs: { p50: ok.length ? median('p50') : last.p50, p90: ok.length ? median('p90') : last.p90 },
    peakMemoryBytes: maxOf(
      runs.map((r) => r.peakBytes),
      0,
    ),
    status: ok.length === runs.length ? 'ok' : last.status,
    ...(last.reason ? { reason: last.reason } : {}),
    repeats: runs.length,
    spread: ok.length >= 2 ? spreadOf(ok) : 0,
    wallMs: Math.round(performance.now() - started),
    phase,
  };
}

/** (max − min) ÷ median of the runs' objective: time to loss when measured, else samples/s. */
function spreadOf(runs: readonly Measurement[]): number {
  const values = runs.map((r) => r.timeToLossMs ?? r.samplesPerSec).sort((a, b) => a - b);
  const median = values[Math.floor((values.length - 1) / 2)]!;
  return median > 0 ? (values.at(-1)! - values[0]!) / median : 0;
}
