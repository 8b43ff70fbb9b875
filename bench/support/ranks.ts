/**
 * The multi-rank size target: "128 ranks × 30 MB analysed with peak RSS ≤ 1 GiB". Builds the job by replicating
 * the real ranks of the shared traces (the 2-rank NCCL job's rank 0 and the 128-rank sample's two ranks, in turn),
 * each shifted in time and repeated to about `mbPerRank` MB of JSON, gzip level 1, in a temporary folder; runs
 * analyzeJob over it and reports the peak resident memory of the process (`process.resourceUsage().maxRSS`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeJob } from '../../src/analysis/distributed/job';
import { readTemplate, writeReplica, type RankTemplate } from '../../test/support/rankTraces';

/** The real ranks replicated, from the committed fixtures. */
const SOURCES = [
  'hta_nccl_2ranks_a100.json.gz',
  'hta_sampled_rank0_ws128.json.gz',
  'hta_sampled_rank1_ws128.json.gz',
].map((name) => join(__dirname, '..', '..', 'test', 'fixtures', 'traces', name));

/** What {@link benchRanks} measured. */
export interface RanksResult {
  readonly ranks: number;
  /** Bytes of JSON analysed (all ranks, uncompressed). */
  readonly bytes: number;
  /** Seconds analyzeJob took (the traces' writing excluded). */
  readonly seconds: number;
  /** The process's peak resident memory, building included (bytes). */
  readonly peakRssBytes: number;
}

/** Builds a `ranks` × `mbPerRank` MB job, analyses it rank by rank, and removes it (unless `dir` was given). */
export async function benchRanks(options: { ranks: number; mbPerRank: number; dir?: string }): Promise<RanksResult> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'trainlens-bench-ranks-'));
  try {
    const files: string[] = [];
    let bytes = 0;
    const templates: RankTemplate[] = [];
    for (const source of SOURCES) templates.push(await readTemplate(source));
    for (let rank = 0; rank < options.ranks; rank++) {
      const file = join(dir, `rank${rank}.${1_700_000_000_000 + rank}.pt.trace.json.gz`);
      bytes += await writeReplica(file, templates[rank % templates.length]!, {
        rank,
        worldSize: options.ranks,
        shiftUs: rank * 17.5,
        perturb: 0.05,
        targetBytes: options.mbPerRank * 1024 * 1024,
        gzipLevel: 1,
      });
      files.push(file);
    }
    templates.length = 0;
    const started = performance.now();
    const report = await analyzeJob(files);
    const seconds = (performance.now() - started) / 1000;
    if (report.ranks.length !== options.ranks)
      throw new Error(`analysed ${report.ranks.length} of ${options.ranks} ranks`);
    return { ranks: options.ranks, bytes, seconds, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  } finally {
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
  }
}
