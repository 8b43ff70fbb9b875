/**
 * Multi-rank jobs for tests and benchmarks: a real rank's trace replicated as other ranks (times shifted, kernel
 * durations perturbed deterministically, `distributedInfo.rank` set, and repeated to a target size), and small
 * hand-made Kineto ranks whose overlap, straggler and collectives are known by construction. Traces are written
 * as they are made, a batch of events at a time, through gzip when the name ends in `.gz`.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { readTrace } from '../../src/analysis/ingest/traceReader';

type Event = Record<string, unknown>;

/** A trace read into memory once, to be written again as many ranks. */
export interface RankTemplate {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly events: readonly Event[];
  /** The events' time span (µs) and the largest correlation/external id, for shifting repetitions. */
  readonly spanUs: number;
  readonly startUs: number;
  readonly maxId: number;
  readonly maxStep: number;
}

/** How {@link writeReplica} makes a rank out of the template. */
export interface ReplicaOptions {
  readonly rank: number;
  readonly worldSize: number;
  /** Added to every time stamp (µs). */
  readonly shiftUs?: number;
  /** Time runs this many times slower than in the template (1: unchanged), nesting kept: a uniformly slower rank. */
  readonly dilate?: number;
  /** Kernel durations are multiplied by 1 + up to this fraction, by a hash of the rank and the event's place. */
  readonly perturb?: number;
  /** Repeat the events (shifted by their span, ids and step numbers offset) until about this many bytes of JSON. */
  readonly targetBytes?: number;
  /** gzip level for `.gz` names (default 6). */
  readonly gzipLevel?: number;
}

/** Reads a trace (any size the reader takes) into a template. */
export async function readTemplate(file: string): Promise<RankTemplate> {
  const events: Event[] = [];
  let min = Infinity;
  let max = -Infinity;
  let maxId = 0;
  let maxStep = 0;
  const document = await readTrace(file, {
    onEvent: (event) => {
      events.push(event);
      const ts = event['ts'];
      if (typeof ts === 'number') {
        min = Math.min(min, ts);
        max = Math.max(max, ts + (typeof event['dur'] === 'number' ? event['dur'] : 0));
      }
      for (const id of ids(event)) maxId = Math.max(maxId, id);
      const step = /^ProfilerStep#(\d+)$/.exec(String(event['name']));
      if (step) maxStep = Math.max(maxStep, Number(step[1]));
    },
  });
  return { metadata: document.metadata, events, spanUs: max - min, startUs: min, maxId, maxStep };
}

/** Writes `template` as rank `options.rank` to `file`; resolves with the bytes of JSON written. */
export async function writeReplica(file: string, template: RankTemplate, options: ReplicaOptions): Promise<number> {
  const out = openTrace(file, options.gzipLevel);
  const metadata = {
    ...template.metadata,
    schemaVersion: 1,
    distributedInfo: {
      ...((template.metadata['distributedInfo'] as object | undefined) ?? { backend: 'nccl' }),
      rank: options.rank,
      world_size: options.worldSize,
    },
  };
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.stream.write(text)) await once(out.stream, 'drain');
  };
  await write(`${JSON.stringify(metadata).slice(0, -1)},"traceEvents":[`);
  let first = true;
  for (let copy = 0; copy === 0 || bytes < (options.targetBytes ?? 0); copy++) {
    const dilate = options.dilate ?? 1;
    const shift = (options.shiftUs ?? 0) + copy * (template.spanUs * dilate + 1000);
    let batch: string[] = [];
    for (const [index, event] of template.events.entries()) {
      const moved = movedEvent(event, { shift, dilate, copy, stretch: perturbation(options, index) }, template);
      batch.push((first ? '' : ',') + JSON.stringify(moved));
      first = false;
      if (batch.length === 2000) {
        await write(batch.join('\n'));
        batch = [];
      }
    }
    if (batch.length) await write(batch.join('\n'));
  }
  await write(']}');
  out.stream.end();
  await out.done;
  return bytes;
}

function perturbation(options: ReplicaOptions, index: number): number {
  if (!options.perturb) return 0;
  // A fixed hash of (rank, index) in [0, 1): the same trace every time.
  const h = Math.imul(options.rank * 2654435761 + index * 40503, 2246822519) >>> 0;
  return (h / 2 ** 32) * options.perturb;
}

interface Move {
  readonly shift: number;
  readonly dilate: number;
  readonly copy: number;
  readonly stretch: number;
}

function movedEvent(event: Event, { shift, dilate, copy, stretch }: Move, t: RankTemplate): Event {
  const moved: Event = { ...event };
  const round = (us: number) => Math.round(us * 1000) / 1000;
  if (typeof event['ts'] === 'number') moved['ts'] = round(t.startUs + (event['ts'] - t.startUs) * dilate + shift);
  if (typeof event['dur'] === 'number') {
    const factor = dilate * (stretch && event['cat'] === 'kernel' ? 1 + stretch : 1);
    if (factor !== 1) moved['dur'] = round(event['dur'] * factor);
  }
  if (copy === 0) return moved;
  const offset = copy * (t.maxId + 1);
  if (typeof event['id'] === 'number') moved['id'] = event['id'] + offset;
  if (event['args'] && typeof event['args'] === 'object') {
    const args: Event = { ...(event['args'] as Event) };
    for (const key of ['correlation', 'External id', 'external id'])
      if (typeof args[key] === 'number') args[key] = args[key] + offset;
    moved['args'] = args;
  }
  const step = /^ProfilerStep#(\d+)$/.exec(String(event['name']));
  if (step) moved['name'] = `ProfilerStep#${Number(step[1]) + copy * (t.maxStep + 1)}`;
  return moved;
}

function ids(event: Event): number[] {
  const found: number[] = [];
  if (typeof event['id'] === 'number') found.push(event['id']);
  const args = event['args'] as Event | undefined;
  if (args && typeof args === 'object')
    for (const key of ['correlation', 'External id', 'external id'])
      if (typeof args[key] === 'number') found.push(args[key]);
  return found;
}

function openTrace(file: string, level = 6): { stream: Writable; done: Promise<unknown> } {
  const sink = createWriteStream(file);
  const done = once(sink, 'close');
  if (!file.endsWith('.gz')) return { stream: sink, done };
  const gzip = createGzip({ level });
  gzip.pipe(sink);
  return { stream: gzip, done };
}

/** One hand-made rank: steps of `stepUs` (+ `dataUs` of data loading first), a compute and a comm kernel each. */
export interface HandRank {
  readonly rank: number;
  readonly worldSize: number;
  readonly steps: number;
  readonly stepUs: number;
  /** Data loading at the start of each step (µs), which lengthens the step by as much. */
  readonly dataUs?: number;
  /** The compute kernel, then the NCCL all-reduce kernel, as [start, end] µs from the step's start (after data). */
  readonly compute: readonly [number, number];
  readonly comm: readonly [number, number];
  /** `In msg nelems` of each all-reduce (Float, 4 bytes each). */
  readonly elements: number;
}

/** The events of a hand-made rank, as a Kineto trace object. */
export function handRankTrace(r: HandRank): Event {
  const events: Event[] = [];
  const data = r.dataUs ?? 0;
  const length = r.stepUs + data;
  for (let s = 0; s < r.steps; s++) {
    const t0 = 1_000_000 + s * length;
    const at = t0 + data;
    const x = (cat: string, name: string, ts: number, end: number, args: Event = {}) =>
      events.push({
        ph: 'X',
        cat,
        name,
        pid: cat === 'kernel' ? 0 : 1,
        tid: cat === 'kernel' ? 7 : 1,
        ts,
        dur: end - ts,
        args,
      });
    x('user_annotation', `ProfilerStep#${s + 1}`, t0, t0 + length);
    if (data) x('user_annotation', 'enumerate(DataLoader)#_SingleProcessDataLoaderIter.__next__', t0, at);
    x('cuda_runtime', 'cudaLaunchKernel', at, at + 2, { correlation: 2 * s + 1 });
    x('cuda_runtime', 'cudaLaunchKernel', at + 2, at + 4, { correlation: 2 * s + 2 });
    x('kernel', 'volta_sgemm_128x64_nn', at + r.compute[0], at + r.compute[1], { correlation: 2 * s + 1, stream: 7 });
    x(
      'kernel',
      'ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long, ncclWork*)',
      at + r.comm[0],
      at + r.comm[1],
      {
        correlation: 2 * s + 2,
        stream: 20,
        'Collective name': 'allreduce',
        'In msg nelems': r.elements,
        'Out msg nelems': r.elements,
        dtype: 'Float',
      },
    );
  }
  return {
    schemaVersion: 1,
    distributedInfo: { backend: 'nccl', rank: r.rank, world_size: r.worldSize },
    traceEvents: events,
  };
}
