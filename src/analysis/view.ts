import { basename } from 'node:path';
import type { CompareView, MemoryView, OpStat, ProfileView, TimelineView } from '../protocol/profileView';
import { analyzeProfile } from './analyze';
import { shownCategories } from './cpuOnly';
import { diffProfiles } from './diff';
import type { OpAggregate, Profile } from './profile';

/** The most spans a view carries by default: the timeline stays fluid and a report file stays a few MB. */
export const VIEW_MAX_SPANS = 250_000;
/** Rows of the operator and kernel tables. */
const MAX_OPS = 1000;

/** Options of {@link buildProfileView}. */
export interface ProfileViewOptions {
  readonly maxSpans?: number;
  /** The title; the file's name by default. */
  readonly title?: string;
}

const SOURCE_LABEL: Readonly<Record<Profile['source'], string>> = {
  kineto: 'PyTorch profiler (Kineto) trace',
  onnxruntime: 'ONNX Runtime profile',
  chrome: 'Chrome trace',
  trainlens: 'TrainLens run',
};

/**
 * Turns a profile into what the profile panel and the HTML report draw: the analysis (the same object as
 * `analyze --format json`), each step's breakdown, the full operator and kernel tables, the timeline spans of as
 * many whole steps as fit in `maxSpans`, and the memory curves.
 */
export function buildProfileView(profile: Profile, options: ProfileViewOptions = {}): ProfileView {
  const report = analyzeProfile(profile);
  const stepsUs = profile.steps.reduce((a, s) => a + (s.endUs - s.startUs), 0);
  const timeline = profile.timeline ? timelineOf(profile, options.maxSpans ?? VIEW_MAX_SPANS) : undefined;
  const memory = memoryOf(profile);
  const categories = shownCategories(profile);
  const environment: Array<readonly [string, string]> = [
    ['Source', SOURCE_LABEL[profile.source]],
    ...profile.devices.map(
      (d) =>
        [
          `Device ${d.id}`,
          [
            d.name,
            d.memoryBytes ? `${(d.memoryBytes / 1024 ** 3).toFixed(1)} GiB` : '',
            d.computeCapability ? `compute ${d.computeCapability}` : '',
            d.multiprocessors ? `${d.multiprocessors} SMs` : '',
          ]
            .filter(Boolean)
            .join(', '),
        ] as const,
    ),
    ...(profile.distributed
      ? [
          [
            'Distributed',
            `rank ${profile.distributed.rank} of ${profile.distributed.worldSize}${profile.distributed.backend ? ` (${profile.distributed.backend})` : ''}`,
          ] as const,
        ]
      : []),
    ...(profile.environment ?? []),
    ['Events', `${profile.stats.events.toLocaleString('en-US')} (${report.stats.megabytes} MB)`],
  ];
  return {
    kind: 'profile',
    title:
      options.title ??
      (profile.run?.configPath
        ? `${basename(profile.run.configPath)} · run ${basename(profile.file)}`
        : basename(profile.file)),
    report,
    categories,
    steps: profile.steps.map((s) => ({
      name: s.name,
      startUs: s.startUs,
      durationUs: s.endUs - s.startUs,
      breakdownUs: categories.map((c) => s.breakdown[c] ?? 0),
    })),
    kernels: opStats(profile.kernels, stepsUs),
    operators: opStats(profile.operators, stepsUs),
    ...(timeline ? { timeline } : {}),
    ...(memory
      ? {
          memory,
          memorySummary: {
            peakBytes: memory.peak.bytes,
            ...(profile.memory?.peakRssBytes ? { peakRssBytes: profile.memory.peakRssBytes } : {}),
            ...(memory.capacity ? { capacity: memory.capacity } : {}),
          },
        }
      : {}),
    ...(profile.run?.samplesPerSec !== undefined ? { samplesPerSec: profile.run.samplesPerSec } : {}),
    environment,
    ...(profile.run?.configPath ? { configPath: profile.run.configPath } : {}),
  };
}

/**
 * Turns two profiles into what the compare view draws (in the profile panel and in `report --compare`): each side's
 * analysis under its file's name, and the diff from `before` to `after`.
 */
export function buildCompareView(before: Profile, after: Profile): CompareView {
  return {
    kind: 'compare',
    before: { title: basename(before.file), report: analyzeProfile(before) },
    after: { title: basename(after.file), report: analyzeProfile(after) },
    diff: diffProfiles(before, after),
  };
}

function opStats(ops: readonly OpAggregate[], stepsUs: number): OpStat[] {
  return ops.slice(0, MAX_OPS).map((op) => ({
    name: op.name,
    calls: op.calls,
    totalUs: op.totalUs,
    meanUs: op.meanUs,
    maxUs: op.maxUs,
    percentOfSteps: stepsUs > 0 ? (100 * op.totalUs) / stepsUs : 0,
  }));
}

/**
 * The spans of the longest run of whole steps, from the first, that fits in `maxSpans` (at least the spans of the
 * first step, cut at `maxSpans`). Spans before the first step (setup) are kept when they fit.
 */
function timelineOf(profile: Profile, maxSpans: number): TimelineView {
  const t = profile.timeline!;
  const n = t.startUs.length;
  let windowEnd = Infinity;
  if (n > maxSpans && profile.steps.length > 0) {
    // Starts, sorted, to count the spans that start before each step's end.
    const starts = Float64Array.from(t.startUs).sort();
    const before = (time: number) => {
      let lo = 0;
      let hi = starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid]! < time) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    windowEnd = profile.steps[0]!.endUs;
    for (const step of profile.steps) {
      if (before(step.endUs) > maxSpans) break;
      windowEnd = step.endUs;
    }
  }
  const keep: number[] = [];
  for (let i = 0; i < n && keep.length < maxSpans; i++) if (t.startUs[i]! < windowEnd) keep.push(i);
  let origin = profile.steps[0]?.startUs ?? Infinity;
  for (const i of keep) if (t.startUs[i]! < origin) origin = t.startUs[i]!;
  if (!Number.isFinite(origin)) origin = 0;
  const used = new Map<number, number>();
  const names: string[] = [];
  const nameOf = (id: number) => {
    let mapped = used.get(id);
    if (mapped === undefined) {
      mapped = names.length;
      used.set(id, mapped);
      names.push(t.names[id]!);
    }
    return mapped;
  };
  return {
    originUs: origin,
    tracks: t.tracks,
    names,
    track: keep.map((i) => t.track[i]!),
    name: keep.map((i) => nameOf(t.name[i]!)),
    startUs: keep.map((i) => t.startUs[i]! - origin),
    durUs: keep.map((i) => t.durUs[i]!),
    depth: keep.map((i) => t.depth[i]!),
    omitted: n - keep.length + t.dropped,
  };
}

function memoryOf(profile: Profile): MemoryView | undefined {
  const m = profile.memory;
  if (!m || m.tUs.length === 0) return undefined;
  const origin = profile.steps[0] ? Math.min(profile.steps[0].startUs, m.tUs[0]!) : m.tUs[0]!;
  const trainlens = profile.source === 'trainlens';
  const series = [
    {
      id: trainlens ? 'tensors' : 'allocated',
      label: trainlens ? 'Tensor bytes' : 'Allocated',
      bytes: [...m.allocatedBytes],
    },
    ...(m.reservedBytes ? [{ id: 'reserved', label: 'Reserved', bytes: [...m.reservedBytes] }] : []),
    ...(m.rssBytes ? [{ id: 'rss', label: 'Resident (RSS)', bytes: [...m.rssBytes] }] : []),
  ];
  let peakIndex = 0;
  m.allocatedBytes.forEach((b, i) => {
    if (b > m.allocatedBytes[peakIndex]!) peakIndex = i;
  });
  const device = profile.devices[0]?.memoryBytes;
  const capacity = m.limitBytes
    ? { label: 'Run memory limit', bytes: m.limitBytes }
    : device
      ? { label: 'Device memory', bytes: device }
      : undefined;
  return {
    originUs: origin,
    tUs: Array.from(m.tUs, (t) => t - origin),
    series,
    peak: { tUs: m.tUs[peakIndex]! - origin, bytes: m.allocatedBytes[peakIndex]! },
    ...(capacity ? { capacity } : {}),
    ...(m.byCategoryAtPeak ? { byCategoryAtPeak: m.byCategoryAtPeak } : {}),
  };
}
