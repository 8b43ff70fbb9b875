/**
 * A multi-rank job as text for a terminal (`trainlens analyze DIR` on a folder of several ranks): the per-rank
 * table, the straggler, the collectives, the missing ranks and the findings. Up to {@link ALL_ROWS} ranks every
 * row is shown; beyond, the slowest and the fastest ranks and one line for the rest, so 128 ranks stay readable
 * (`--format json` has every row).
 */
import type { DistributedReport, RankRow, TraceFolderEntry } from '../protocol/distributed';
import { basename } from 'node:path';
import { findingLines } from './textReport';

/** Jobs up to this many ranks show every row. */
export const ALL_ROWS = 16;
/** Larger jobs show this many slowest and fastest ranks. */
const SLOWEST = 8;
const FASTEST = 4;
/** Categories shown per rank, largest first. */
const TOP_CATEGORIES = 3;

/** The job as text; `others` are the folder's traces that are not part of it (other cycles). */
export function formatJobReport(report: DistributedReport, others: readonly TraceFolderEntry[] = []): string {
  const lines: string[] = [];
  const backend = report.backend ? `, ${report.backend}` : '';
  lines.push(
    `${report.dir}: ${report.ranks.length} of ${report.worldSize} ranks${backend}, ${report.stats.traces} traces (${report.stats.megabytes} MB)`,
  );
  if (report.missingRanks?.length)
    lines.push(`Missing ranks: ${rankRanges(report.missingRanks)} (${report.missingRanks.length} with no trace here).`);
  lines.push(
    '',
    'Ranks (mean per step; comm: collectives over the analysed steps, their kernels or, without a GPU, their CPU',
    'operations; overlap: share of the communication kernels under computation kernels, as HTA defines it):',
  );
  lines.push(...rankTable(report.ranks));
  lines.push('', stragglerSentence(report));
  if (report.collectives.length) {
    lines.push('', 'Collectives (all ranks):');
    for (const c of report.collectives)
      lines.push(
        `  ${c.type.padEnd(16)} ${String(c.calls).padStart(7)}×  ${c.totalMs.toFixed(3).padStart(12)} ms  mean ${c.meanMs.toFixed(3)} ms` +
          (c.bytes !== undefined ? `  ${formatMb(c.bytes)}` : '') +
          `  ${c.names.join(', ')}`,
      );
  } else lines.push('', 'Collectives: none in these traces.');
  lines.push(...findingLines(report.findings));
  if (others.length) lines.push('', ...otherTraces(others));
  return `${lines.join('\n')}\n`;
}

/** The straggler in one sentence, or why there is none. */
export function stragglerSentence(report: DistributedReport): string {
  const s = report.straggler;
  const timed = report.ranks.filter((r) => r.steps > 0);
  if (!s && timed.length < 2) return 'Straggler: none (fewer than two ranks with steps).';
  if (!s) return "Straggler: none; no rank works longer per step than the others' median.";
  return (
    `Straggler: rank ${s.rank} works ${s.workMs ?? s.meanStepMs} ms per step (its step less communication), ` +
    `${s.slowerByPercent}% (${s.slowerByMs} ms) more than the other ranks' median (${s.medianWorkMs ?? s.medianStepMs} ms); ` +
    `most of it in ${s.category} (+${s.categoryExcessMs} ms per step). The others wait for it at each collective.`
  );
}

/** The rank rows: all of them for small jobs, else the slowest, the fastest and a line for the rest. */
function rankTable(ranks: readonly RankRow[]): string[] {
  const header = `  ${'rank'.padStart(5)} ${'steps'.padStart(5)} ${'step ms'.padStart(10)} ${'comm ms'.padStart(10)} ${'overlap'.padStart(7)}  top categories`;
  if (ranks.length <= ALL_ROWS) return [header, ...ranks.map(rankLine)];
  const bySpeed = [...ranks].sort((a, b) => b.meanStepMs - a.meanStepMs || a.rank - b.rank);
  const slowest = bySpeed.slice(0, SLOWEST);
  const fastest = bySpeed.slice(-FASTEST);
  const rest = bySpeed.slice(SLOWEST, -FASTEST);
  const lo = rest.at(-1)!.meanStepMs;
  const hi = rest[0]!.meanStepMs;
  return [
    header,
    ...slowest.map(rankLine),
    `  … ${rest.length} more ranks with mean steps from ${lo} to ${hi} ms (all rows in --format json)`,
    ...fastest.map(rankLine),
  ];
}

function rankLine(row: RankRow): string {
  const top = [...row.breakdown]
    .sort((a, b) => b.percent - a.percent)
    .slice(0, TOP_CATEGORIES)
    .filter((b) => b.percent > 0)
    .map((b) => `${b.category} ${b.percent.toFixed(1)}%`)
    .join(', ');
  const overlap = row.overlapPercent !== undefined ? `${row.overlapPercent.toFixed(1)}%` : '–';
  return `  ${String(row.rank).padStart(5)} ${String(row.steps).padStart(5)} ${row.meanStepMs.toFixed(3).padStart(10)} ${row.communicationMs.toFixed(3).padStart(10)} ${overlap.padStart(7)}  ${top}`;
}

/** Ranks as ranges: `2–127`, `1, 3, 5–7`. */
export function rankRanges(ranks: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ranks.length; i++) {
    let j = i;
    while (j + 1 < ranks.length && ranks[j + 1] === ranks[j]! + 1) j++;
    parts.push(j > i ? `${ranks[i]}–${ranks[j]}` : String(ranks[i]));
    i = j;
  }
  return parts.join(', ');
}

/** The folder's other traces, and how to analyse one. */
export function otherTraces(others: readonly TraceFolderEntry[]): string[] {
  const shown = others.slice(0, 10).map((e) => {
    const rank = e.rank !== undefined ? `rank ${e.rank}, ` : '';
    return `  ${basename(e.file)} (${rank}cycle ${e.cycle}, ${new Date(e.timeMs).toISOString()})`;
  });
  return [
    `Also in this folder (${others.length} other trace${others.length === 1 ? '' : 's'}, newest first); analyse one with "trainlens analyze FILE":`,
    ...shown,
    ...(others.length > shown.length ? [`  … ${others.length - shown.length} more`] : []),
  ];
}

function formatMb(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
