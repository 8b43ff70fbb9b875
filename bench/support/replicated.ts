/**
 * A large trace made from a real one: its events written again and again, each repetition shifted in time by the
 * trace's span (so the steps follow each other) and in its correlation and external ids (so each launch keeps
 * its own id, as in one long profile), steps renumbered. Written as it is made, never held whole.
 */
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync } from 'node:zlib';

type Event = Record<string, unknown>;

/** The source trace's events and root members, and what one repetition adds to times and ids. */
export interface ReplicaSource {
  readonly events: Event[];
  readonly metadata: Record<string, unknown>;
  readonly spanUs: number;
  readonly idStride: number;
  /** Bytes of one repetition's events written compactly. */
  readonly bytesPerRepetition: number;
}

const ID_KEYS = ['correlation', 'external id', 'External id'];

/** Reads the trace to replicate (a `.json.gz` Kineto trace). */
export function replicaSource(file: string): ReplicaSource {
  const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { traceEvents: Event[] };
  const { traceEvents: events, ...metadata } = parsed;
  let first = Infinity;
  let last = -Infinity;
  let maxId = 0;
  let bytes = 0;
  for (const event of events) {
    const ts = event['ts'];
    if (typeof ts === 'number') {
      first = Math.min(first, ts);
      last = Math.max(last, ts + (typeof event['dur'] === 'number' ? event['dur'] : 0));
    }
    const args = event['args'] as Record<string, unknown> | undefined;
    for (const key of ID_KEYS) if (typeof args?.[key] === 'number') maxId = Math.max(maxId, args[key]);
    bytes += JSON.stringify(event).length + 2;
  }
  return { events, metadata, spanUs: last - first + 1000, idStride: maxId + 1, bytesPerRepetition: bytes };
}

/** One event of repetition `r`. */
function shifted(event: Event, r: number, source: ReplicaSource): Event {
  if (r === 0) return event;
  const out: Event = { ...event };
  if (typeof out['ts'] === 'number') out['ts'] = out['ts'] + r * source.spanUs;
  const args = out['args'] as Record<string, unknown> | undefined;
  if (args && ID_KEYS.some((key) => typeof args[key] === 'number')) {
    const moved: Record<string, unknown> = { ...args };
    for (const key of ID_KEYS) if (typeof moved[key] === 'number') moved[key] = moved[key] + r * source.idStride;
    out['args'] = moved;
  }
  if (typeof out['name'] === 'string' && out['name'].startsWith('ProfilerStep#'))
    out['name'] = `ProfilerStep#${r * 1000 + Number(out['name'].slice(13))}`;
  return out;
}

/**
 * Writes `times` repetitions of `source` to `path` (gzip level 1 when `gzip`, else plain JSON); returns the bytes
 * of JSON written.
 */
export async function writeReplicated(
  source: ReplicaSource,
  times: number,
  path: string,
  gzip: boolean,
): Promise<number> {
  const file = createWriteStream(path, { highWaterMark: 1 << 20 });
  const zip = gzip ? createGzip({ level: 1, chunkSize: 1 << 20 }) : undefined;
  const sink = zip ?? file;
  const done = zip ? pipeline(zip, file) : once(file, 'finish');
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!sink.write(text)) await once(sink, 'drain');
  };
  await write(`${JSON.stringify(source.metadata).slice(0, -1)}, "traceEvents": [\n`);
  for (let r = 0; r < times; r++) {
    const lines: string[] = [];
    for (const event of source.events) lines.push(JSON.stringify(shifted(event, r, source)));
    await write(`${r > 0 ? ',\n' : ''}${lines.join(',\n')}`);
  }
  await write('\n]}\n');
  sink.end();
  await done;
  return bytes;
}
