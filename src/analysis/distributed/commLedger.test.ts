import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProfile } from '../analyze';
import { readTrace } from '../ingest/traceReader';
import { mergeRanges } from '../ranges';
import { collectiveType, CommLedger } from './commLedger';
import { IntervalUnion } from './intervalUnion';

const NCCL = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces', 'hta_nccl_2ranks_a100.json.gz');

type Kernel = { start: number; end: number; comm: boolean };

/**
 * HTA's overlap computed another way: a sweep over the raw kernel events (not merged), counting running
 * communication and computation kernels; overlap is where both counts are positive, over where communication is.
 */
function sweepOverlap(kernels: readonly Kernel[], lo = -Infinity, hi = Infinity): { comm: number; overlap: number } {
  const edges: Array<[number, number, number]> = [];
  for (const k of kernels) {
    const start = Math.max(k.start, lo);
    const end = Math.min(k.end, hi);
    if (end <= start) continue;
    edges.push([start, k.comm ? 1 : 0, 1], [end, k.comm ? 1 : 0, -1]);
  }
  edges.sort((a, b) => a[0] - b[0]);
  let comm = 0;
  let overlap = 0;
  const running = [0, 0];
  for (let i = 0; i < edges.length; i++) {
    const [t, kind, delta] = edges[i]!;
    running[kind]! += delta;
    const next = edges[i + 1]?.[0] ?? t;
    if (running[1]! > 0) comm += next - t;
    if (running[1]! > 0 && running[0]! > 0) overlap += next - t;
  }
  return { comm, overlap };
}

async function realKernels(): Promise<{ kernels: Kernel[]; ledger: CommLedger }> {
  const kernels: Kernel[] = [];
  const ledger = new CommLedger();
  await readTrace(NCCL, {
    onEvent: (e) => {
      if (e['cat'] !== 'kernel' || e['ph'] !== 'X') return;
      const name = String(e['name']);
      const start = e['ts'] as number;
      const end = start + (e['dur'] as number);
      kernels.push({ start, end, comm: name.startsWith('nccl') });
      ledger.add('kernel', name, start, end, e['args']);
    },
  });
  return { kernels, ledger };
}

describe("HTA's communication/computation overlap", () => {
  it('equals a sweep over the raw kernels of the real 2-rank NCCL trace, over the whole trace', async () => {
    const { kernels, ledger } = await realKernels();
    const comms = ledger.build()!;
    const expected = sweepOverlap(kernels);
    assert.ok(expected.comm > 0 && expected.overlap > 0);
    assert.ok(Math.abs(comms.communicationUs - expected.comm) < 1e-6, `${comms.communicationUs} vs ${expected.comm}`);
    assert.ok(Math.abs(comms.overlapUs - expected.overlap) < 1e-6, `${comms.overlapUs} vs ${expected.overlap}`);
    assert.deepEqual(
      comms.collectives.map((c) => [c.type, c.calls, c.bytes]),
      [
        ['all_reduce', 15, 306_684_384],
        ['broadcast', 6, 638_712],
      ],
    );
  });

  it("is the profile's, within its analysed steps", async () => {
    const profile = await loadProfile(NCCL);
    const { kernels } = await realKernels();
    const lo = profile.steps[0]!.startUs;
    const hi = profile.steps.at(-1)!.endUs;
    const expected = sweepOverlap(kernels, lo, hi);
    assert.equal(profile.comms?.spanUs, hi - lo);
    assert.ok(Math.abs(profile.comms.communicationUs - expected.comm) < 1e-6);
    assert.ok(Math.abs(profile.comms.overlapUs - expected.overlap) < 1e-6);
  });

  it('is 100%, 50% and 0% for kernels placed so by hand', () => {
    const cases: Array<[number, number, number]> = [
      [20, 30, 100],
      [5, 15, 50],
      [30, 40, 0],
    ];
    for (const [commStart, commEnd, percent] of cases) {
      const ledger = new CommLedger();
      ledger.add('kernel', 'volta_sgemm', 10, 20, {});
      ledger.add('kernel', 'ampere_gemm', 18, 30, {});
      ledger.add('kernel', 'ncclDevKernel_AllGather_RING_LL(ncclDevComm*)', commStart, commEnd, {});
      ledger.add('kernel', 'Memcpy DtoD (Device -> Device)', 0, 100, {});
      const comms = ledger.build()!;
      assert.equal((100 * comms.overlapUs) / comms.communicationUs, percent);
      assert.equal(comms.computationUs, 20);
      assert.equal(comms.collectives[0]!.type, 'all_gather');
    }
  });

  it('counts CPU-side collectives when there are no communication kernels (Gloo)', () => {
    const ledger = new CommLedger();
    ledger.add('operator', 'gloo:all_reduce', 0, 40, {});
    ledger.add('operator', 'aten::mm', 0, 100, {});
    const comms = ledger.build()!;
    assert.equal(comms.fromCpu, true);
    assert.equal(comms.communicationUs, 40);
    assert.deepEqual(
      comms.collectives.map((c) => [c.type, c.calls]),
      [['all_reduce', 1]],
    );
    assert.equal(new CommLedger().build(), undefined);
  });
});

describe('collective types', () => {
  it("reads PyTorch's, NCCL kernels' and CPU operations' names alike", () => {
    assert.equal(collectiveType('allreduce'), 'all_reduce');
    assert.equal(collectiveType('_allgather_base'), 'all_gather');
    assert.equal(collectiveType('nccl:_all_gather_base'), 'all_gather');
    assert.equal(collectiveType('ncclKernel_SendRecv_RING_SIMPLE_Sum_int8_t'), 'send/recv');
    assert.equal(collectiveType('ncclDevKernel_ReduceScatter_Sum_f32_RING_LL'), 'reduce_scatter');
    assert.equal(collectiveType('gloo:broadcast'), 'broadcast');
  });
});

describe('IntervalUnion', () => {
  it('equals merging all the intervals at once, whatever their order, and stays compact', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const union = new IntervalUnion();
    const pairs: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      // Two interleaved streams, each in order, plus a few late arrivals.
      const start = i % 97 === 0 ? random() * i : i * 10 + (i % 2) * 3;
      const end = start + 1 + random() * 8;
      union.add(start, end);
      pairs.push(start, end);
    }
    assert.deepEqual(Array.from(union.ranges()), Array.from(mergeRanges(pairs)));
  });
});
