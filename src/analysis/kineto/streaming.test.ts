/**
 * Aggregating while streaming against holding every event: the Kineto builder with tiny budgets (unions merged,
 * launches settled and kernels told apart every few events) gives exactly, bit for bit, the profile it gives with
 * no budget, on the real traces and on thousands of generated ones (random steps, kernels, runtime calls, operators,
 * collectives, overlaps, in Kineto's order and out of it).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readTrace } from '../ingest/traceReader';
import type { Profile } from '../profile';
import { KinetoProfileBuilder } from './kineto';

const TRACES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces');

type TraceEvent = Record<string, unknown>;

function profileOf(events: readonly TraceEvent[], budget: number): { profile?: Profile; exact: boolean } {
  const builder = new KinetoProfileBuilder(undefined, { budget });
  // Each event is handed out fresh, as the reader does.
  for (const event of events) builder.add(structuredClone(event));
  try {
    return { profile: builder.build('generated.json', {}, 0), exact: builder.exact };
  } catch {
    return { exact: builder.exact };
  }
}

test('the real traces give the same profile with budgets of 1 to 64 intervals as with none', async () => {
  const files = readdirSync(TRACES).filter((f) => f.endsWith('.json.gz') && f.startsWith('hta_'));
  assert.ok(files.length >= 6, `traces: ${files.join(', ')}`);
  for (const name of files) {
    const events: TraceEvent[] = [];
    await readTrace(join(TRACES, name), { onEvent: (event) => events.push(event) });
    const plain = profileOf(events, Infinity);
    for (const budget of [1, 3, 64]) {
      const streamed = profileOf(events, budget);
      assert.ok(streamed.exact, `${name}: settling early was not safe with budget ${budget}`);
      assert.deepStrictEqual(streamed.profile, plain.profile, `${name}, budget ${budget}`);
    }
  }
});

/** A seeded generator (Park–Miller) so a failure names the seed that reproduces it. */
function randomOf(seed: number): (n?: number) => number {
  let state = seed % 2147483647 || 1;
  return (n = 1) => ((state = (state * 16807) % 2147483647) / 2147483647) * n;
}

/** A random Kineto-like trace: steps of operators launching runtime calls, their device work, collectives. */
function generated(seed: number): TraceEvent[] {
  const random = randomOf(seed);
  const int = (n: number) => Math.floor(random(n));
  // One trace in four breaks what profilers guarantee (ids used twice or missing, events in any order).
  const hostile = seed % 4 === 0;
  const rarely = (n: number) => hostile && int(n) === 0;
  const time = (t: number) => (int(3) === 0 ? Math.round(t) + int(1000) / 1000 : Math.round(t));
  const cpu: TraceEvent[] = [];
  const gpu: TraceEvent[] = [];
  let t = int(100);
  let correlation = 1 + int(50);
  let external = 1 + int(50);
  const steps = int(6);
  for (let s = 0; s <= steps; s++) {
    const stepStart = t;
    const ops = 1 + int(12);
    for (let o = 0; o < ops; o++) {
      const opStart = time(t + int(20));
      const dur = int(40) + (int(5) === 0 ? 0 : 1);
      const kind = int(10);
      const name =
        kind === 0 ? 'nccl:all_reduce' : kind === 1 ? 'enumerate(DataLoader)#_Iter.__next__' : `aten::op${int(5)}`;
      const ext = int(12) === 0 ? undefined : external++;
      cpu.push({
        ph: 'X',
        cat: kind === 2 ? 'user_annotation' : 'cpu_op',
        name,
        ts: opStart,
        dur,
        args: { 'External id': ext },
      });
      const launches = int(3);
      for (let l = 0; l < launches; l++) {
        const rtStart = time(opStart + int(dur + 1));
        const id = rarely(15) ? correlation : ++correlation;
        cpu.push({
          ph: 'X',
          cat: 'cuda_runtime',
          name: 'cudaLaunchKernel',
          ts: rtStart,
          dur: int(6),
          args: { correlation: rarely(20) ? undefined : id },
        });
        const devices = int(6) === 0 ? 0 : 1 + (int(8) === 0 ? 1 : 0);
        for (let d = 0; d < devices; d++) {
          const cat = ['kernel', 'kernel', 'kernel', 'gpu_memcpy', 'gpu_memset'][int(5)]!;
          gpu.push({
            ph: 'X',
            cat,
            name: cat === 'kernel' ? `kernel_${int(4)}` : cat,
            ts: time(rtStart + int(30)),
            dur: int(50),
            args: {
              correlation: rarely(25) ? id + 1 : id,
              'external id': ext,
              'blocks per SM': random(3),
              'est. achieved occupancy %': int(100),
            },
          });
        }
      }
      t = opStart + int(dur + 5);
    }
    if (s < steps || int(2) === 0) {
      cpu.push({
        ph: 'X',
        cat: 'user_annotation',
        name: `ProfilerStep#${s}`,
        ts: stepStart,
        dur: t - stepStart + int(10),
      });
      // Kineto also lists each step as a GPU-side annotation, with the device events.
      if (int(3) === 0)
        gpu.push({
          ph: 'X',
          cat: 'gpu_user_annotation',
          name: `ProfilerStep#${s}`,
          ts: stepStart + int(40),
          dur: int(300),
        });
    }
    t += int(30);
  }
  cpu.sort((a, b) => (a['ts'] as number) - (b['ts'] as number));
  gpu.sort((a, b) => (a['ts'] as number) - (b['ts'] as number));
  const order = hostile ? 3 : int(3);
  if (order === 0) return [...cpu, ...gpu];
  // hta_ns_resolution_v100's layout: the operators, then the device events, then the runtime calls.
  const runtime = (e: TraceEvent) => e['cat'] === 'cuda_runtime';
  if (order === 1) return [...cpu.filter((e) => !runtime(e)), ...gpu, ...cpu.filter(runtime)];
  const all = [...cpu, ...gpu];
  if (order === 2) return all.sort((a, b) => (a['ts'] as number) - (b['ts'] as number));
  for (let i = all.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}

test('thousands of generated traces give the same profile with tiny budgets as with none', () => {
  let compared = 0;
  let inexact = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const events = generated(seed);
    const plain = profileOf(events, Infinity);
    const budget = 1 + (seed % 7);
    const streamed = profileOf(events, budget);
    if (!streamed.exact) {
      inexact++;
      continue;
    }
    compared++;
    assert.deepStrictEqual(streamed.profile, plain.profile, `seed ${seed}, budget ${budget}`);
  }
  // Traces in the orders profilers write are settled early; the rest are read again without a budget.
  assert.ok(compared > 2200, `${compared} compared, ${inexact} not exact`);
});

test('loadProfile reads a trace that defeats settling early again without a budget: the same profile', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { loadProfile } = await import('../analyze');
  const dir = mkdtempSync(join(tmpdir(), 'trainlens-streaming-'));
  try {
    // A hostile trace whose tiny-budget build is not exact (found by seed, so the test says which).
    const seed = [...Array(400).keys()].map((i) => 4 * (i + 1)).find((s) => !profileOf(generated(s), 1).exact);
    assert.ok(seed !== undefined, 'no generated trace defeats settling early');
    const file = join(dir, `seed${seed}.json`);
    writeFileSync(file, JSON.stringify({ traceEvents: generated(seed) }));
    const plain = await loadProfile(file, undefined, { budget: Infinity });
    assert.deepStrictEqual(await loadProfile(file, undefined, { budget: 1 }), plain, `seed ${seed}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
