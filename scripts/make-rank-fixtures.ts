/**
 * Makes the multi-rank job fixtures under test/fixtures/traces/ from the real HTA traces there:
 *
 * - job-2ranks/: rank 0 is hta_nccl_2ranks_a100.json.gz unmodified (rank 0 of a 2-rank NCCL job); rank 1 is made
 *   from it by running its time 8% slower (every time stamp and duration × 1.08 from the first event on, so it is
 *   the straggler), shifting it by 1,234.5 µs, and stretching each kernel's duration by a further 0–10% (a fixed
 *   hash of its place), with `distributedInfo.rank` = 1.
 * - job-ws128-sample/: the two real ranks of a 128-rank job (hta_sampled_rank{0,1}_ws128.json.gz), unmodified; the
 *   126 others are missing, which the report says.
 *
 * Run: `node --import tsx scripts/make-rank-fixtures.ts`.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readTemplate, writeReplica } from '../test/support/rankTraces';

const TRACES = join(__dirname, '..', 'test', 'fixtures', 'traces');

async function main(): Promise<void> {
  const two = join(TRACES, 'job-2ranks');
  mkdirSync(two, { recursive: true });
  const rank0 = join(TRACES, 'hta_nccl_2ranks_a100.json.gz');
  copyFileSync(rank0, join(two, 'rank0.1700000000000.pt.trace.json.gz'));
  await writeReplica(join(two, 'rank1.1700000000002.pt.trace.json.gz'), await readTemplate(rank0), {
    rank: 1,
    worldSize: 2,
    shiftUs: 1234.5,
    dilate: 1.08,
    perturb: 0.1,
    gzipLevel: 9,
  });
  const sample = join(TRACES, 'job-ws128-sample');
  mkdirSync(sample, { recursive: true });
  for (const rank of [0, 1])
    copyFileSync(
      join(TRACES, `hta_sampled_rank${rank}_ws128.json.gz`),
      join(sample, `hta_sampled_rank${rank}_ws128.json.gz`),
    );
}

void main();
