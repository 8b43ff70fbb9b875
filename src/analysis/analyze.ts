import { statSync } from 'node:fs';
import type { AnalysisReport, IngestReport, OpRow } from '../protocol/analysis';
import { firstNonFinite, hasSaneTimes, skippedNote } from './finite';
import { IngestTally } from './ingest/conformance';
import { readTrace, TraceError } from './ingest/traceReader';
import { ChromeProfileBuilder } from './importers/chrome';
import { MemoryTimelineBuilder } from './importers/memoryTimeline';
import { OrtProfileBuilder } from './importers/onnxruntime';
import { runTracePath, TrainLensProfileBuilder } from './importers/trainlens';
import { htaReportOf } from './hta/report';
import { KinetoProfileBuilder } from './kineto/kineto';
import { isLegacyPyTorch, LegacyPyTorchProfileBuilder } from './kineto/legacy';
import { repairLegacyTrace, repairNote } from './kineto/legacyRepair';
import { onnxReportOf } from './onnxReport';
import { isCpuOnly, shownCategories } from './cpuOnly';
import type { OpAggregate, Profile } from './profile';
import { findingsOf } from './rules';
import { SpanRecorder } from './spans';
import { percentile } from '../common/stats';

/** Categories only Kineto (PyTorch profiler) traces use, in either dialect. */
const KINETO_CATS = new Set([
  'cpu_op',
  'operator',
  'kernel',
  'cuda_runtime',
  'runtime',
  'gpu_memcpy',
  'memcpy',
  'gpu_memset',
  'memset',
  'python_function',
  'user_annotation',
  'gpu_user_annotation',
  'ac2g',
]);
/** Events looked at before deciding what kind of trace this is. */
const SNIFF_EVENTS = 5000;

/** How {@link loadProfile} reads a trace. */
export interface LoadOptions {
  /** Keep every span on its track for the timeline view (costs memory and time; the CLI's text and JSON skip it). */
  readonly spans?: boolean;
  /** The most spans kept (the rest are counted as dropped). */
  readonly maxSpans?: number;
  /** Raw intervals a Kineto trace's builder holds before it merges them (`KinetoBuilderOptions.budget`). */
  readonly budget?: number;
}

type Builder = KinetoProfileBuilder | OrtProfileBuilder | ChromeProfileBuilder;

/**
 * Reads a trace file (Kineto/PyTorch `.json`/`.json.gz`, ONNX Runtime profile, Chrome trace) into a {@link Profile}.
 * The kind is recognized from the first events (their categories), not the file name. Unreadable input throws a
 * {@link TraceError} naming the file and what is wrong.
 */
export async function loadProfile(
  file: string,
  onProgress?: (bytes: number) => void,
  options: LoadOptions = {},
): Promise<Profile> {
  let spans = options.spans ? new SpanRecorder(options.maxSpans) : undefined;
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    throw new TraceError(`cannot read the trace: ${(error as Error).message}`, file);
  }
  if (stats.isDirectory()) return loadRunProfile(file, onProgress, spans);
  if (/\.onnx$/i.test(file))
    throw new TraceError('this is an ONNX model, not a profile: profile it with "trainlens onnx" first', file);

  const kinetoOptions = options.budget !== undefined ? { budget: options.budget } : {};
  const sniffed: Array<Record<string, unknown>> = [];
  let builder: Builder | undefined;
  const choose = (): Builder => {
    const kineto = sniffed.some((e) => typeof e['cat'] === 'string' && KINETO_CATS.has(e['cat'].toLowerCase()));
    const ort = sniffed.some(
      (e) =>
        (e['cat'] === 'Node' &&
          typeof e['name'] === 'string' &&
          /_(kernel_time|fence_before|fence_after)$/.test(e['name'])) ||
        (e['cat'] === 'Session' && e['name'] === 'model_run'),
    );
    const chosen = kineto
      ? new KinetoProfileBuilder(spans, kinetoOptions)
      : !ort && isLegacyPyTorch(sniffed)
        ? new LegacyPyTorchProfileBuilder(spans, kinetoOptions)
        : ort
          ? new OrtProfileBuilder(spans)
          : new ChromeProfileBuilder(spans);
    for (const event of sniffed.splice(0)) chosen.add(event);
    return chosen;
  };
  const timeline = new MemoryTimelineBuilder();
  let skipped = 0;
  let unknown = 0;
  let repaired = 0;
  let tally = new IngestTally();
  const onEvent = (event: Record<string, unknown>): void => {
    if (!tally.accept(event)) return void unknown++;
    if (!hasSaneTimes(event)) return void skipped++;
    if (builder) return builder.add(event);
    sniffed.push(event);
    if (sniffed.length >= SNIFF_EVENTS) builder = choose();
  };
  const document = await readTrace(file, {
    ...(onProgress ? { onProgress } : {}),
    onRow: (row) => timeline.add(row),
    onEvent,
  }).catch((error: unknown) => {
    // A legacy PyTorch export broken by an unescaped name is read again by the exporter's template, from scratch.
    const repair = error instanceof TraceError ? repairLegacyTrace(file) : undefined;
    if (!repair) throw error;
    sniffed.length = 0;
    builder = undefined;
    skipped = 0;
    unknown = 0;
    tally = new IngestTally();
    spans = options.spans ? new SpanRecorder(options.maxSpans) : undefined;
    repair.events.forEach(onEvent);
    repaired = repair.repaired;
    return repair.document;
  });
  if (document.events === 0 && timeline.recognized) {
    return checked(timeline.build(file, document.bytes), 0);
  }
  builder ??= choose();
  if (document.events === skipped + unknown) {
    const why = [skipped ? skippedNote(skipped) : '', ...(tally.report(document)?.notes ?? [])].filter(Boolean);
    throw new TraceError(
      document.events === 0
        ? `the trace has no events${why.length ? ` (${why.join('; ')})` : ''}`
        : `the trace has no usable events: ${why.join('; ')}`,
      file,
    );
  }
  if (builder instanceof ChromeProfileBuilder) {
    const unmatched = builder.unmatched();
    tally.skip('unmatched-end', unmatched.ends);
    tally.skip('unclosed-begin', unmatched.begins);
  }
  tally.skip('bad-time', skipped);
  // A trace in an order no profiler writes defeats aggregating while streaming: read it again holding every event.
  if (builder instanceof KinetoProfileBuilder && !builder.exact && options.budget !== Infinity)
    return loadProfile(file, onProgress, { ...options, budget: Infinity });
  let profile: Profile;
  try {
    profile =
      builder instanceof KinetoProfileBuilder
        ? builder.build(file, document.metadata, document.bytes)
        : builder.build(file, document.bytes);
  } catch (error) {
    throw new TraceError((error as Error).message, file);
  }
  if (repaired > 0)
    profile = { ...profile, stepsNote: [profile.stepsNote, repairNote(repaired)].filter(Boolean).join('; ') };
  return checked(profile, skipped, tally.report(document));
}

/**
 * The profile with the events left out for their times counted in its note, after checking that no number in it
 * is NaN or ±Infinity: what every report and view reads is finite, or the trace is refused saying where.
 */
function checked(profile: Profile, skipped: number, ingest?: IngestReport): Profile {
  const noted: Profile = {
    ...profile,
    ...(skipped > 0 ? { stepsNote: [profile.stepsNote, skippedNote(skipped)].filter(Boolean).join('; ') } : {}),
    ...(ingest ? { ingest } : {}),
  };
  const bad = firstNonFinite(noted);
  if (bad !== undefined)
    throw new TraceError(
      `the trace's numbers give a value that is not finite (${bad}); the trace may be damaged: profile again, or report it with the trace`,
      profile.file,
    );
  return noted;
}

/** The profile of a TrainLens run directory, from its trace.json and run.json. */
async function loadRunProfile(
  runDir: string,
  onProgress: ((bytes: number) => void) | undefined,
  spans: SpanRecorder | undefined,
): Promise<Profile> {
  let trace: string;
  try {
    trace = runTracePath(runDir);
  } catch (error) {
    throw new TraceError((error as Error).message, runDir);
  }
  const builder = new TrainLensProfileBuilder(spans);
  let skipped = 0;
  const document = await readTrace(trace, {
    onEvent: (event) => (hasSaneTimes(event) ? builder.add(event) : void skipped++),
    ...(onProgress ? { onProgress } : {}),
  });
  let profile: Profile;
  try {
    profile = builder.build(runDir, document.bytes, document.metadata);
  } catch (error) {
    throw new TraceError((error as Error).message, runDir);
  }
  return checked(profile, skipped);
}

export type { AnalysisReport, OpRow } from '../protocol/analysis';

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

function rows(ops: readonly OpAggregate[], limit = 10): OpRow[] {
  return ops.slice(0, limit).map((op) => ({
    name: op.name,
    calls: op.calls,
    totalMs: round(op.totalUs / 1000),
    meanMs: round(op.meanUs / 1000, 4),
  }));
}

/**
 * Summarizes a profile: step statistics, the mean breakdown, top kernels and operators, ONNX Runtime's nodes and op
 * types, and the findings.
 */
export function analyzeProfile(profile: Profile): AnalysisReport {
  const durations = profile.steps.map((s) => (s.endUs - s.startUs) / 1000).sort((a, b) => a - b);
  const count = durations.length;
  const mean = count ? durations.reduce((a, b) => a + b, 0) / count : 0;
  const breakdown = shownCategories(profile).map((category) => {
    const ms = count ? profile.steps.reduce((a, s) => a + (s.breakdown[category] ?? 0), 0) / count / 1000 : 0;
    return { category, ms: round(ms), percent: mean > 0 ? round((100 * ms) / mean, 2) : 0 };
  });
  const onnx = onnxReportOf(profile);
  return {
    source: profile.source,
    file: profile.file,
    device: { gpus: profile.devices, ...(profile.distributed ? { distributed: profile.distributed } : {}) },
    steps: {
      count,
      meanMs: round(mean),
      p50Ms: round(percentile(durations, 50)),
      p90Ms: round(percentile(durations, 90)),
      ...(profile.stepsNote ? { note: profile.stepsNote } : {}),
    },
    breakdown,
    ...(profile.run?.status ? { run: runStatusOf(profile.run) } : {}),
    ...(profile.gpuUtilization !== undefined ? { gpuUtilizationPercent: round(profile.gpuUtilization * 100, 2) } : {}),
    ...(profile.gpuUtilizationTimeline
      ? {
          gpuUtilizationTimeline: {
            startUs: profile.gpuUtilizationTimeline.startUs,
            bucketUs: profile.gpuUtilizationTimeline.bucketUs,
            percent: profile.gpuUtilizationTimeline.values.map((v) => round(v * 100, 4)),
          },
        }
      : {}),
    ...(profile.smEfficiency !== undefined ? { smEfficiencyPercent: round(profile.smEfficiency * 100, 2) } : {}),
    ...(profile.achievedOccupancyPercent !== undefined
      ? { achievedOccupancyPercent: round(profile.achievedOccupancyPercent, 2) }
      : {}),
    ...(profile.memory
      ? {
          memory: {
            peakBytes: profile.memory.peakBytes,
            samples: profile.memory.tUs.length,
            ...(profile.memory.byCategoryAtPeak ? { byCategoryAtPeak: profile.memory.byCategoryAtPeak } : {}),
          },
        }
      : {}),
    ...(onnx ? { onnx } : {}),
    topKernels: rows(profile.kernels),
    topOperators: rows(profile.operators),
    findings: findingsOf(profile),
    ...(profile.ingest ? { ingest: profile.ingest } : {}),
    ...(isCpuOnly(profile) ? { cpuOnly: true as const } : {}),
    ...(profile.hta ? { hta: htaReportOf(profile.hta) } : {}),
    stats: { events: profile.stats.events, megabytes: round(profile.stats.bytes / 1024 / 1024, 1) },
  };
}

/** How a TrainLens run stands, for the report: a killed run says so, with the last step it reached. */
function runStatusOf(run: NonNullable<Profile['run']>): NonNullable<AnalysisReport['run']> {
  return {
    status: run.status ?? 'running',
    ...(run.lastStep !== undefined ? { lastStep: run.lastStep } : {}),
    ...(run.failure ? { failure: { kind: run.failure.kind, message: run.failure.message } } : {}),
    ...(run.interruptedBecause ? { interruptedBecause: run.interruptedBecause } : {}),
  };
}
