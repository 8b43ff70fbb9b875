/**
 * Child process of the ingestion benchmark: the multi-rank target (`benchRanks`, support/ranks.ts) alone in its
 * process, so its peak RSS is the job's analysis (and the writing of its ranks) only. Prints one JSON line.
 *
 *   node --import tsx bench/support/ranksChild.ts RANKS MB_PER_RANK
 */
import { benchRanks } from './ranks';

async function main(): Promise<void> {
  const ranks = Number(process.argv[2] ?? 128);
  const mbPerRank = Number(process.argv[3] ?? 30);
  const result = await benchRanks({ ranks, mbPerRank });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`ranksChild: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
