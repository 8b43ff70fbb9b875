/**
 * The straggler of a job: the rank with the most work per step (its mean step less its communication), by how much
 * against the median of the other ranks, and the step category in which it spends the most more than they do. In a
 * synchronous job every rank waits for the slowest at each collective, so step times even out and the waiting shows
 * as communication on the others: the straggler's own excess (data loading, compute) is the time they wait.
 */
import type { RankRow, Straggler } from '../../protocol/distributed';
import type { Finding } from '../../protocol/types';

/** How much slower than the median rank (%) makes a straggler finding, by severity. */
export const STRAGGLER_PERCENT = { low: 5, medium: 10, high: 25 } as const;

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The median of numbers (sorted here; the input is not changed). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A rank's communication per step (ms): its `communication` category, or its communication kernels' time that no
 * computation overlaps, whichever is larger (the plugin counts collectives' kernels as kernels when no NCCL
 * operation launched them). Waiting for the other ranks at a collective is in it.
 */
export function communicationPerStepMs(row: RankRow): number {
  const category = row.breakdown.find((b) => b.category === 'communication')?.ms ?? 0;
  const exposed = row.steps > 0 ? (row.communicationMs * (1 - (row.overlapPercent ?? 0) / 100)) / row.steps : 0;
  return Math.max(category, row.overlapPercent !== undefined ? exposed : 0);
}

/**
 * The rank with the most work per step against the other ranks' median, and the category (communication aside) in
 * which it spends the most more than they do; undefined with fewer than two ranks that have steps, or when no rank
 * works longer than the others' median.
 */
export function stragglerOf(ranks: readonly RankRow[]): Straggler | undefined {
  const timed = ranks.filter((r) => r.steps > 0);
  if (timed.length < 2) return undefined;
  const work = new Map(timed.map((r) => [r, r.meanStepMs - communicationPerStepMs(r)]));
  let slowest = timed[0]!;
  for (const row of timed) if (work.get(row)! > work.get(slowest)!) slowest = row;
  // Against the others: with two ranks the median of all would be halfway to the straggler itself.
  const others = timed.filter((r) => r !== slowest);
  const medianWorkMs = median(others.map((r) => work.get(r)!));
  const slowerByMs = work.get(slowest)! - medianWorkMs;
  if (slowerByMs <= 0) return undefined;
  const { category, excessMs } = excessCategory(slowest, others);
  return {
    rank: slowest.rank,
    meanStepMs: slowest.meanStepMs,
    medianStepMs: round(median(others.map((r) => r.meanStepMs))),
    slowerByMs: round(slowerByMs),
    slowerByPercent: medianWorkMs > 0 ? round((100 * slowerByMs) / medianWorkMs, 2) : 0,
    category,
    categoryExcessMs: round(excessMs),
    workMs: round(work.get(slowest)!),
    medianWorkMs: round(medianWorkMs),
  };
}

/** The straggler's category (communication aside) most above the other ranks' median, and by how much (ms). */
function excessCategory(slowest: RankRow, others: readonly RankRow[]): { category: string; excessMs: number } {
  let category = '';
  let excessMs = -Infinity;
  for (const part of slowest.breakdown) {
    if (part.category === 'communication') continue;
    const typical = median(others.map((r) => r.breakdown.find((b) => b.category === part.category)?.ms ?? 0));
    if (part.ms - typical > excessMs) {
      category = part.category;
      excessMs = part.ms - typical;
    }
  }
  return { category, excessMs: Math.max(excessMs, 0) };
}

/** The `straggler` finding, when the slowest rank is at least {@link STRAGGLER_PERCENT}.low % slower. */
export function stragglerFinding(straggler: Straggler, rankCount: number): Finding | undefined {
  const percent = straggler.slowerByPercent;
  if (percent < STRAGGLER_PERCENT.low) return undefined;
  const severity = percent >= STRAGGLER_PERCENT.high ? 'high' : percent >= STRAGGLER_PERCENT.medium ? 'medium' : 'low';
  return {
    id: 'straggler',
    severity,
    title: `rank ${straggler.rank} works ${percent}% longer per step than the other ranks' median, most of it in ${straggler.category}: they wait for it`,
    evidence: {
      rank: straggler.rank,
      meanStepMs: straggler.meanStepMs,
      workMs: straggler.workMs ?? straggler.meanStepMs,
      medianWorkMs: straggler.medianWorkMs ?? straggler.medianStepMs,
      slowerByPercent: percent,
      category: straggler.category,
      categoryExcessMs: straggler.categoryExcessMs,
      ranks: rankCount,
      threshold: STRAGGLER_PERCENT[severity],
    },
    code: { python: stragglerCode(straggler) },
  };
}

/** The PyTorch code that evens the ranks' work out, for the category the straggler loses its time in. */
function stragglerCode(s: Straggler): string {
  const head = `# Rank ${s.rank} works ${s.slowerByMs} ms more per step than the other ranks' median (+${s.categoryExcessMs} ms in ${s.category}); every other rank waits for it at each collective.`;
  const sampler = [
    '# Give every rank the same number of equally sized batches:',
    'sampler = DistributedSampler(dataset, shuffle=True, drop_last=True)',
  ];
  if (s.category === 'dataloader')
    return [
      head,
      ...sampler,
      '# and load them ahead of the step on each rank (the slow rank reads its data too slowly):',
      'loader = DataLoader(dataset, batch_size=batch_size, sampler=sampler,',
      '                    num_workers=4, pin_memory=True, persistent_workers=True)',
      'for epoch in range(epochs):',
      '    sampler.set_epoch(epoch)',
    ].join('\n');
  return [
    head,
    ...sampler,
    'loader = DataLoader(dataset, batch_size=batch_size, sampler=sampler, num_workers=4, pin_memory=True)',
    '# Variable-length inputs: pad or bucket them so each rank gets batches of the same shape,',
    '# and check the slow rank runs on the same GPU model, clocks and host load as the others.',
  ].join('\n');
}
