import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadProfile } from '../../src/analysis/analyze';
import { analyzeJob } from '../../src/analysis/distributed/job';
import type { Profile } from '../../src/analysis/profile';
import { readTemplate, writeReplica } from '../support/rankTraces';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const SOURCE = join(__dirname, '..', 'fixtures', 'traces', 'hta_sampled_rank0_ws128.json.gz');
const RANKS = 32;
const dir = mkdtempSync(join(tmpdir(), 'trainlens-job-memory-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Heap and array buffers in use after a full collection. */
function used(): number {
  gc();
  gc();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
}

it(`reads ${RANKS} ranks without memory growing with the rank count`, async () => {
  const template = await readTemplate(SOURCE);
  const files: string[] = [];
  for (let rank = 0; rank < RANKS; rank++) {
    const file = join(dir, `rank${rank}.${1_700_000_000_000 + rank}.pt.trace.json.gz`);
    await writeReplica(file, template, { rank, worldSize: RANKS, shiftUs: rank * 11, perturb: 0.05, gzipLevel: 1 });
    files.push(file);
  }
  // What keeping a rank's Profile costs: the growth a job that kept them would show per rank.
  // (Measured past the first four, whose reading also warms up code and caches.)
  const kept: Profile[] = [];
  for (const file of files.slice(0, 4)) kept.push(await loadProfile(file));
  const before = used();
  for (const file of files.slice(4, 12)) kept.push(await loadProfile(file));
  const perProfile = (used() - before) / 8;
  kept.length = 0;
  assert.ok(perProfile > 50_000, `a profile costs ${perProfile} bytes: too little to tell a leak from noise`);

  const after: number[] = [];
  const report = await analyzeJob(files, { onProgress: () => after.push(used()) });
  assert.equal(report.ranks.length, RANKS);
  const growth = after.at(-1)! - after[3]!;
  const leak = (RANKS - 4) * perProfile;
  // Keeping every Profile would grow by `leak`; the summaries kept per rank are a small fraction of one.
  assert.ok(
    growth < leak / 2,
    `memory grew ${(growth / 1024).toFixed(0)} KiB from rank 4 to rank ${RANKS}; keeping the profiles would be ${(leak / 1024).toFixed(0)} KiB`,
  );
});
