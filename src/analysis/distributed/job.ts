/**
 * A multi-rank job analysed rank by rank: each trace is read with {@link loadProfile}, reduced to a small summary
 * (its row, its collectives, its comm-bound finding) and dropped before the next is read, so memory follows one
 * rank's trace, not the rank count. The ranks are then compared: the straggler, the collectives over the job, the
 * ranks the world size names that are missing.
 */
import { basename, dirname } from 'node:path';
import type { CollectiveRow, DistributedReport, RankRow } from '../../protocol/distributed';
import type { Finding } from '../../protocol/types';
import { analyzeProfile, loadProfile } from '../analyze';
import { TraceError } from '../ingest/traceError';
import type { Profile } from '../profile';
import type { CollectiveTally } from './commLedger';
import { rankOfWorker, traceName } from './folder';
import { rankCommBound } from './rankCommBound';
import { stragglerFinding, stragglerOf } from './straggler';

/** How {@link analyzeJob} reports its progress. */
export interface JobOptions {
  /** Called after each rank is read: ranks done, ranks in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What is kept of one rank once its profile is dropped. */
interface RankSummary {
  readonly row: RankRow;
  readonly collectives: readonly CollectiveTally[];
  readonly commBound?: Finding;
  readonly worldSize?: number;
  readonly backend?: string;
  readonly bytes: number;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Reads the traces of a job one at a time and compares the ranks. The rank of a trace is its `distributedInfo`'s,
 * else the one its file's worker name gives (`rank3.<time>.pt.trace.json`), else its place in `files`. Throws a
 * {@link TraceError} for a trace that cannot be read or two traces of the same rank.
 */
export async function analyzeJob(files: readonly string[], options: JobOptions = {}): Promise<DistributedReport> {
  if (files.length === 0) throw new TraceError('the job has no trace to analyse', '');
  const summaries: RankSummary[] = [];
  const seen = new Map<number, string>();
  for (const [index, file] of files.entries()) {
    const summary = await summarizeRank(file, index);
    const other = seen.get(summary.row.rank);
    if (other !== undefined)
      throw new TraceError(
        `this trace is rank ${summary.row.rank}, like ${basename(other)}: a job has one trace per rank (analyse one profiling cycle at a time)`,
        file,
      );
    seen.set(summary.row.rank, file);
    summaries.push(summary);
    options.onProgress?.(index + 1, files.length);
  }
  return jobReport(commonDir(files), summaries);
}

/** Reads one rank's trace and keeps only its summary (the Profile is not kept). */
async function summarizeRank(file: string, index: number): Promise<RankSummary> {
  const profile = await loadProfile(file);
  const rank = profile.distributed?.rank ?? rankFromName(file) ?? index;
  const report = analyzeProfile(profile);
  const row = rankRow(profile, rank, report.steps.count, report.steps.meanMs, report.breakdown);
  const commBound = rankCommBound(report.findings, row, profile.comms);
  return {
    row,
    collectives: profile.comms?.collectives ?? [],
    ...(commBound ? { commBound } : {}),
    ...(profile.distributed ? { worldSize: profile.distributed.worldSize } : {}),
    ...(profile.distributed?.backend ? { backend: profile.distributed.backend } : {}),
    bytes: profile.stats.bytes,
  };
}

function rankRow(
  profile: Profile,
  rank: number,
  steps: number,
  meanStepMs: number,
  breakdown: RankRow['breakdown'],
): RankRow {
  const comms = profile.comms;
  return {
    rank,
    file: profile.file,
    steps,
    meanStepMs,
    breakdown,
    communicationMs: round((comms?.communicationUs ?? 0) / 1000),
    computationMs: round((comms?.computationUs ?? 0) / 1000),
    ...(comms && !comms.fromCpu && comms.communicationUs > 0
      ? { overlapPercent: round((100 * comms.overlapUs) / comms.communicationUs, 2) }
      : {}),
  };
}

function rankFromName(file: string): number | undefined {
  const parsed = traceName(basename(file));
  return parsed ? rankOfWorker(parsed.worker) : undefined;
}

/** The report of the ranks read: rows by rank, the straggler, the collectives over the job, the missing ranks. */
function jobReport(dir: string, summaries: readonly RankSummary[]): DistributedReport {
  const ranks = summaries.map((s) => s.row).sort((a, b) => a.rank - b.rank);
  const declared = summaries.reduce((most, s) => Math.max(most, s.worldSize ?? 0), 0);
  const worldSize = Math.max(declared, ranks.length);
  const present = new Set(ranks.map((r) => r.rank));
  const missingRanks: number[] = [];
  if (declared > 0) for (let rank = 0; rank < declared; rank++) if (!present.has(rank)) missingRanks.push(rank);
  const straggler = stragglerOf(ranks);
  const stragglerIssue = straggler ? stragglerFinding(straggler, ranks.length) : undefined;
  const backend = summaries.find((s) => s.backend)?.backend;
  const bytes = summaries.reduce((a, s) => a + s.bytes, 0);
  return {
    dir,
    worldSize,
    ...(backend ? { backend } : {}),
    ranks,
    ...(missingRanks.length ? { missingRanks } : {}),
    ...(straggler ? { straggler } : {}),
    collectives: jobCollectives(summaries),
    findings: [
      ...(stragglerIssue ? [stragglerIssue] : []),
      ...summaries.flatMap((s) => (s.commBound ? [s.commBound] : [])),
    ],
    stats: { traces: summaries.length, megabytes: round(bytes / 1024 / 1024, 1) },
  };
}

/** The collectives of every rank summed by type, longest total first. */
function jobCollectives(summaries: readonly RankSummary[]): CollectiveRow[] {
  const byType = new Map<string, { names: string[]; calls: number; totalUs: number; bytes?: number }>();
  for (const summary of summaries)
    for (const c of summary.collectives) {
      const row = byType.get(c.type) ?? { names: [], calls: 0, totalUs: 0 };
      row.calls += c.calls;
      row.totalUs += c.totalUs;
      if (c.bytes !== undefined) row.bytes = (row.bytes ?? 0) + c.bytes;
      for (const name of c.names) if (row.names.length < 3 && !row.names.includes(name)) row.names.push(name);
      byType.set(c.type, row);
    }
  return [...byType]
    .map(([type, r]) => ({
      type,
      names: r.names,
      calls: r.calls,
      totalMs: round(r.totalUs / 1000),
      meanMs: round(r.totalUs / 1000 / r.calls, 4),
      ...(r.bytes !== undefined ? { bytes: r.bytes } : {}),
    }))
    .sort((a, b) => b.totalMs - a.totalMs);
}

/** The folder the traces share (the job's `dir`). */
function commonDir(files: readonly string[]): string {
  const dirs = files.map((f) => dirname(f));
  return dirs.every((d) => d === dirs[0]) ? dirs[0]! : '';
}
