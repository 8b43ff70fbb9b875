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

/**
 * An event's JSON cut around the numbers that change with the repetition (its time, its ids), so that writing a
 * repetition is joining strings: `parts` alternate text and a slot (the number and what one repetition adds).
 */
type Template = Array<string | { value: number; step: number }>;

/** Slot markers: `"@@N@@"` for a number member, `@@N@@` inside the step's name (never in a real trace). */
const MARKS = /"@@(\d+)@@"|@@(\d+)@@/g;

function templateOf(event: Event, source: ReplicaSource): Template {
  const slots: Array<{ value: number; step: number }> = [];
  const slot = (value: number, step: number) => `@@${slots.push({ value, step }) - 1}@@`;
  const marked: Event = { ...event };
  if (typeof marked['ts'] === 'number') marked['ts'] = slot(marked['ts'], source.spanUs);
  const args = marked['args'] as Record<string, unknown> | undefined;
  if (args && ID_KEYS.some((key) => typeof args[key] === 'number')) {
    const moved: Record<string, unknown> = { ...args };
    for (const key of ID_KEYS) if (typeof moved[key] === 'number') moved[key] = slot(moved[key], source.idStride);
    marked['args'] = moved;
  }
  const name = marked['name'];
  if (typeof name === 'string' && name.startsWith('ProfilerStep#'))
    marked['name'] = `ProfilerStep#${slot(Number(name.slice(13)), 1000)}`;
  const text = JSON.stringify(marked);
  const template: Template = [];
  let from = 0;
  for (const match of text.matchAll(MARKS)) {
    template.push(text.slice(from, match.index), slots[Number(match[1] ?? match[2])]!);
    from = match.index + match[0].length;
  }
  template.push(text.slice(from));
  return template;
}

/** The text of `template` in repetition `r`. */
function textOf(template: Template, r: number): string {
  let text = '';
  for (const part of template) text += typeof part === 'string' ? part : String(part.value + r * part.step);
  return text;
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
  const templates = source.events.map((event) => templateOf(event, source));
  for (let r = 0; r < times; r++) {
    const lines: string[] = [];
    for (const template of templates) lines.push(textOf(template, r));
    await write(`${r > 0 ? ',\n' : ''}${lines.join(',\n')}`);
  }
  await write('\n]}\n');
  sink.end();
  await done;
  return bytes;
}
