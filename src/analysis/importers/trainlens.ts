import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../../common/format';
import { RUN_PHASES } from '../../protocol/runPhases';
import type { RunRecordView } from '../../protocol/runRecord';
import { readRunRecord, tryReadRunRecord } from '../../runStore/readRunRecord';
import type { SpanRecorder } from '../spans';
import type { OpAggregate, Profile, ProfileDevice, ProfileStep } from '../profile';
import { maxOf } from '../../common/stats';
import { readBoundedText } from '../../files/safeFiles';

/** memory.jsonl grows about 70 bytes a sample: some three weeks of samples at the default interval fit in this. */
const MAX_MEMORY_JSONL_BYTES = 256 * 1024 * 1024;
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** What the analysis reads of run.json: the run store's reader's view (a killed run reads as interrupted). */
type RunJson = Partial<RunRecordView>;

/**
 * Builds a {@link Profile} from a TrainLens run directory's `trace.json` events: each `step` span is a step, and the
 * phase spans inside it (data_wait, forward_backward, optimizer, host_sync, eval, checkpoint) are its breakdown;
 * what they leave of the step is `other`. run.json adds the GPUs, the backend and the config values the fixes
 * change.
 */
export class TrainLensProfileBuilder {
  private readonly steps: Array<{ name: string; start: number; end: number }> = [];
  private readonly phases: Array<{ cat: string; start: number; end: number }> = [];
  events = 0;

  /** @param spans where to record the spans for the timeline view, when it is wanted. */
  constructor(private readonly spans?: SpanRecorder) {}

  add(event: Record<string, unknown>): void {
    this.events++;
    const { ph, cat, ts, dur, name } = event as { ph?: string; cat?: string; ts?: number; dur?: number; name?: string };
    if (ph !== 'X' || typeof ts !== 'number' || typeof dur !== 'number' || typeof cat !== 'string') return;
    if (cat === 'step') {
      this.steps.push({ name: String(name ?? '').replace(/^step /, ''), start: ts, end: ts + dur });
      this.spans?.add('steps', 'Steps', 'steps', String(name ?? 'step'), ts, dur);
    } else if ((RUN_PHASES as readonly string[]).includes(cat)) {
      this.phases.push({ cat, start: ts, end: ts + dur });
      this.spans?.add('phases', 'Phases', 'phase', cat, ts, dur);
    } else this.spans?.add(`other:${cat}`, cat, 'other', String(name ?? cat), ts, dur);
  }

  build(runDir: string, bytes: number, metadata: Readonly<Record<string, unknown>> = {}): Profile {
    const run = readRunJson(runDir);
    const recorded = (metadata['trainlens'] ?? {}) as { kernels?: unknown };
    const kernels = Array.isArray(recorded.kernels)
      ? (recorded.kernels as OpAggregate[]).filter((k) => typeof k.name === 'string' && typeof k.totalUs === 'number')
      : [];
    const memory = readMemory(runDir, run);
    if (this.steps.length === 0)
      throw new Error('the run recorded no profiled steps (the run ended before monitoring.profiling.warmup_steps)');
    const steps = [...this.steps].sort((a, b) => a.start - b.start);
    const phases = [...this.phases].sort((a, b) => a.start - b.start);
    let p = 0;
    const profileSteps: ProfileStep[] = steps.map((step) => {
      const breakdown: Record<string, number> = Object.fromEntries(RUN_PHASES.map((c) => [c, 0]));
      while (p < phases.length && phases[p]!.start < step.end) {
        const phase = phases[p++]!;
        if (phase.end <= step.start) continue;
        breakdown[phase.cat]! += Math.min(phase.end, step.end) - Math.max(phase.start, step.start);
      }
      const used = RUN_PHASES.slice(0, -1).reduce((a, c) => a + breakdown[c]!, 0);
      breakdown['other'] = Math.max(0, step.end - step.start - used);
      return { name: step.name, startUs: step.start, endUs: step.end, breakdown };
    });
    const devices: ProfileDevice[] = (run.environment?.gpus ?? []).map((gpu, id) => ({
      id,
      name: gpu.name,
      ...(gpu.memoryTotalBytes ? { memoryBytes: gpu.memoryTotalBytes } : {}),
    }));
    return {
      source: 'trainlens',
      file: runDir,
      devices,
      categories: RUN_PHASES,
      steps: profileSteps,
      kernels,
      operators: [],
      ...(memory ? { memory } : {}),
      environment: environmentOf(run),
      ...(this.spans ? { timeline: this.spans.build() } : {}),
      run: {
        backend: run.resolved?.backend ?? 'unknown',
        requestedBackend: run.config?.engine?.backend ?? 'auto',
        installedBackends: (run.environment?.backends ?? []).filter((b) => b.status === 'installed').map((b) => b.name),
        logEvery: run.config?.monitoring?.log_every ?? 20,
        ...(run.summary?.samplesPerSec !== undefined ? { samplesPerSec: run.summary.samplesPerSec } : {}),
        ...(run.config?.data?.batch_size !== undefined ? { batchSize: run.config.data.batch_size } : {}),
        ...(run.config?.monitoring?.checkpoints?.every !== undefined
          ? { checkpointEvery: run.config.monitoring.checkpoints.every }
          : {}),
        ...(run.config?.training?.validation_every !== undefined
          ? { validationEvery: run.config.training.validation_every }
          : {}),
        ...(run.configPath ? { configPath: run.configPath } : {}),
        ...(run.status ? { status: run.status } : {}),
        ...(run.reason ? { reason: run.reason } : {}),
        ...(run.failure ? { failure: run.failure } : {}),
        ...(run.lastStep !== undefined ? { lastStep: run.lastStep } : {}),
        ...(run.interruptedBecause ? { interruptedBecause: run.interruptedBecause } : {}),
        ...(run.events ? { events: run.events } : {}),
      },
      stats: { events: this.events, bytes },
    };
  }
}

/** The run's machine and software as label/value pairs (the panel's environment table). */
function environmentOf(run: RunJson): Array<readonly [string, string]> {
  const env = run.environment;
  const skipped = (run.resolved?.skippedBackends ?? []).map((b) => `${b.name}: ${b.reason}`);
  const rows: Array<readonly [string, string] | undefined> = [
    run.resolved?.backend ? ['Backend', run.resolved.backend] : undefined,
    skipped.length ? ['Backends skipped', skipped.join('; ')] : undefined,
    env?.cpu?.model ? ['CPU', `${env.cpu.model}${env.cpu.cores ? ` × ${env.cpu.cores}` : ''}`] : undefined,
    env?.memory?.totalBytes ? ['Memory', formatBytes(env.memory.totalBytes)] : undefined,
    env?.os?.platform ? ['OS', `${env.os.platform} ${env.os.release ?? ''} ${env.os.arch ?? ''}`.trim()] : undefined,
    env?.node?.version ? ['Node.js', env.node.version] : undefined,
    env?.trainlensVersion ? ['TrainLens', env.trainlensVersion] : undefined,
  ];
  return rows.filter((r): r is readonly [string, string] => r !== undefined);
}

/** The trace.json of a run directory, or why there is none (saying how the run ended when it did not finish). */
export function runTracePath(runDir: string): string {
  const trace = join(runDir, 'trace.json');
  const run = readRunRecord(runDir);
  if (!existsSync(trace)) {
    const how =
      run.status === 'interrupted'
        ? `the run was interrupted at step ${run.lastStep} (${run.interruptedBecause}) before it wrote trace.json`
        : run.status === 'running'
          ? `the run is still running (step ${run.lastStep}) and has not written trace.json yet`
          : 'the run has no trace.json';
    throw new Error(`${how}: profile it with "trainlens profile CONFIG" or set monitoring.profiling.enabled: true`);
  }
  return trace;
}

function readRunJson(runDir: string): RunJson {
  return tryReadRunRecord(runDir) ?? {};
}

/**
 * The run's memory.jsonl as the profile's memory curve (tensor bytes, and resident memory), with the run's memory
 * limit. The memory monitor's events add the resident memory it saw between samples.
 */
function readMemory(runDir: string, run: RunJson): Profile['memory'] {
  const file = join(runDir, 'memory.jsonl');
  if (!existsSync(file)) return undefined;
  const rows = readBoundedText(file, 'memory.jsonl', MAX_MEMORY_JSONL_BYTES)
    .split('\n')
    .flatMap((line) => {
      try {
        const row = JSON.parse(line) as { tMs?: unknown; tensorBytes?: unknown; rssBytes?: unknown };
        // Finite numbers only: a row of 1e400 would make the peak Infinity.
        return isFiniteNumber(row.tMs) &&
          isFiniteNumber(row.tensorBytes) &&
          (row.rssBytes === undefined || isFiniteNumber(row.rssBytes))
          ? [row as { tMs: number; tensorBytes: number; rssBytes?: number }]
          : [];
      } catch {
        return [];
      }
    });
  if (rows.length === 0) return undefined;
  const allocatedBytes = Float64Array.from(rows, (r) => r.tensorBytes);
  const rssBytes = Float64Array.from(rows, (r) => r.rssBytes ?? 0);
  const seen = (run.events ?? []).map((e) => Number(e.evidence?.['rssBytes'] ?? 0));
  const peakRssBytes = Math.max(0, maxOf(rssBytes), maxOf(seen.filter(Number.isFinite)));
  const limit = run.config?.engine?.memory_limit_mb;
  const limitBytes = limit !== undefined ? limit * 1024 * 1024 : run.environment?.memory?.totalBytes;
  return {
    tUs: Float64Array.from(rows, (r) => r.tMs * 1000),
    allocatedBytes,
    peakBytes: allocatedBytes.reduce((a, b) => Math.max(a, b), 0),
    ...(rows.some((r) => r.rssBytes !== undefined) ? { rssBytes } : {}),
    ...(peakRssBytes > 0 ? { peakRssBytes } : {}),
    ...(limitBytes ? { limitBytes } : {}),
  };
}
