/**
 * The Distributed view: the ranks of a job side by side (step time and its breakdown per rank, sorted by step time so
 * the slow ranks stand out even with 128 of them), the straggler and why, communication/computation overlap per
 * rank, the collectives, the ranks with no trace, and the job's findings.
 */
import type { DistributedReport, RankRow, Straggler } from '../../src/protocol/distributed';
import type { ProfileView } from '../../src/protocol/profileView';
import { Chart, palette, themeColor } from '../shared/charts';
import { el } from '../shared/dom';
import { createFigure } from '../shared/figure';
import { formatCount, formatMs, formatPercent } from '../shared/format';
import { renderCollectives, renderRankTable } from './distributedTables';
import { renderSuggestions } from './suggestions';

/** What the view can do: open one rank's own profile (in VS Code), or nothing (the standalone report). */
export interface DistributedActions {
  readonly openRank?: (rank: number) => void;
}

/** The breakdown's categories over all ranks, in the order they first appear. */
export function categoriesOf(ranks: readonly RankRow[]): string[] {
  const seen = new Set<string>();
  for (const rank of ranks) for (const b of rank.breakdown) seen.add(b.category);
  return [...seen];
}

/** A rank's mean per step in `category` (0 when the rank has none). */
export function categoryMs(rank: RankRow, category: string): number {
  return rank.breakdown.find((b) => b.category === category)?.ms ?? 0;
}

/**
 * The straggler in one sentence: which rank, how much more it works per step than the others (its step less its
 * communication: a rank that waits for the straggler has long steps too) and in which category.
 */
export function stragglerSentence(s: Straggler): string {
  const work = s.workMs ?? s.meanStepMs;
  const median = s.medianWorkMs ?? s.medianStepMs;
  return (
    `Rank ${s.rank} is the straggler: it works ${formatMs(work)} per step (its step less communication), ` +
    `${formatMs(s.slowerByMs)} (${formatPercent(s.slowerByPercent)}) more than the other ranks' median of ` +
    `${formatMs(median)}, most of it in ${s.category} (${formatMs(s.categoryExcessMs)} more per step). ` +
    `Its mean step is ${formatMs(s.meanStepMs)}; the others wait for it at each collective.`
  );
}

/** Rank numbers as short ranges: `3, 5–9, 12`. */
export function rankRanges(ranks: readonly number[]): string {
  const sorted = [...ranks].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(', ');
}

function kpi(id: string, label: string, text: string, value: number, detail?: string): HTMLElement {
  const tile = el('div', 'kpi');
  tile.id = `kpi-${id}`;
  tile.dataset['value'] = String(value);
  tile.setAttribute('role', 'listitem');
  tile.append(el('div', 'label', label), el('div', 'value', text));
  if (detail) tile.append(el('div', 'detail muted', detail));
  return tile;
}

/** The job's KPI tiles: ranks read, median step, the straggler's lag, mean overlap, traces read. */
function kpis(report: DistributedReport): HTMLElement {
  const tiles = el('div', 'kpis');
  tiles.setAttribute('role', 'list');
  const overlaps = report.ranks.map((r) => r.overlapPercent).filter((o): o is number => o !== undefined);
  const meanOverlap = overlaps.reduce((a, o) => a + o, 0) / (overlaps.length || 1);
  const steps = report.ranks.map((r) => r.meanStepMs).sort((a, b) => a - b);
  const median = report.straggler?.medianStepMs ?? steps[Math.floor((steps.length - 1) / 2)] ?? 0;
  tiles.append(
    kpi(
      'ranks',
      'Ranks read',
      formatCount(report.ranks.length),
      report.ranks.length,
      `world size ${formatCount(report.worldSize)}${report.backend ? ` (${report.backend})` : ''}`,
    ),
    kpi('median-step', 'Median rank step', formatMs(median), median),
  );
  if (report.straggler)
    tiles.append(
      kpi(
        'straggler',
        'Straggler',
        `rank ${report.straggler.rank}`,
        report.straggler.rank,
        `+${formatPercent(report.straggler.slowerByPercent)} (${formatMs(report.straggler.slowerByMs)})`,
      ),
    );
  if (overlaps.length > 0)
    tiles.append(kpi('overlap', 'Mean comm/compute overlap', formatPercent(meanOverlap), meanOverlap, 'as HTA'));
  tiles.append(
    kpi(
      'traces',
      'Traces read',
      formatCount(report.stats.traces),
      report.stats.traces,
      `${report.stats.megabytes.toFixed(1)} MB`,
    ),
  );
  return tiles;
}

/** Step time per rank as stacked bars, slowest rank first; the straggler's bar is outlined. */
function rankChart(report: DistributedReport, categories: readonly string[]): { figure: HTMLElement; chart: Chart } {
  const sorted = [...report.ranks].sort((a, b) => b.meanStepMs - a.meanStepMs || a.rank - b.rank);
  const slowest = sorted[0];
  const figure = createFigure(
    'distributed-steps',
    'Mean step by rank, slowest first',
    `Stacked bars, one per rank (${sorted.length}), sorted by mean step time${slowest ? `; the slowest is rank ${slowest.rank}` : ''}: ${categories.join(', ')}.`,
    sorted.length > 32 ? 340 : 280,
  );
  figure.setData(
    ['Rank', 'Mean step (ms)', ...categories.map((c) => `${c} (ms)`)],
    sorted.map((r) => [String(r.rank), r.meanStepMs.toFixed(3), ...categories.map((c) => categoryMs(r, c).toFixed(3))]),
  );
  const colors = palette();
  const outline = themeColor('red');
  const straggler = report.straggler?.rank;
  const chart = new Chart(figure.canvas, {
    type: 'bar',
    data: {
      labels: sorted.map((r) => `rank ${r.rank}`),
      datasets: categories.map((category, i) => ({
        label: category,
        data: sorted.map((r) => categoryMs(r, category)),
        backgroundColor: colors[i % colors.length]!,
        borderColor: sorted.map((r) => (r.rank === straggler ? outline : 'transparent')),
        borderWidth: sorted.map((r) => (r.rank === straggler ? 2 : 0)),
        stack: 'rank',
      })),
    },
    options: {
      scales: {
        x: { stacked: true, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { stacked: true, title: { display: true, text: 'ms per step' } },
      },
      plugins: {
        legend: {
          position: 'bottom',
          // The legend's swatches take the first bar's style: without this, the straggler's outline.
          labels: {
            generateLabels: (c) =>
              Chart.defaults.plugins.legend.labels.generateLabels(c).map((l) => ({ ...l, lineWidth: 0 })),
          },
        },
      },
    },
  });
  return { figure: figure.figure, chart };
}

/** Renders the Distributed view of `view.distributed` into `root`; returns its charts so the caller can destroy them. */
export function renderDistributed(root: HTMLElement, view: ProfileView, actions: DistributedActions): Chart[] {
  const report = view.distributed;
  if (!report) {
    root.append(el('p', 'muted', 'This profile is not part of a multi-rank job.'));
    return [];
  }
  root.append(kpis(report));
  if (report.straggler) {
    const sentence = el('p', 'straggler-note', stragglerSentence(report.straggler));
    sentence.id = 'straggler';
    sentence.dataset['rank'] = String(report.straggler.rank);
    root.append(sentence);
  }
  if (report.missingRanks && report.missingRanks.length > 0) {
    const missing = el(
      'p',
      'note muted',
      `No trace for ${report.missingRanks.length === 1 ? 'rank' : 'ranks'} ${rankRanges(report.missingRanks)} ` +
        `of the world size ${report.worldSize}: those ranks are not compared.`,
    );
    missing.id = 'missing-ranks';
    root.append(missing);
  }
  const categories = categoriesOf(report.ranks);
  const { figure, chart } = rankChart(report, categories);
  root.append(figure);
  root.append(el('h2', undefined, 'Ranks'));
  root.append(renderRankTable(report, categories, actions));
  root.append(el('h2', undefined, 'Collectives'));
  root.append(renderCollectives(report.collectives));
  root.append(el('h2', undefined, 'Findings of the job'));
  const findings = el('div');
  findings.id = 'distributed-findings';
  // The job's findings as cards like the profile's. Not a copy of `view`: spreading it would read a report's lazy
  // parts (timeline, memory) before the page has them.
  const jobView: ProfileView = {
    kind: 'profile',
    title: view.title,
    report: { ...view.report, findings: report.findings },
    categories: [],
    steps: [],
    kernels: [],
    operators: [],
    environment: [],
  };
  renderSuggestions(findings, jobView, { canApply: false });
  root.append(findings);
  return [chart];
}
