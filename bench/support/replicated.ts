/**
 * A large trace made from a real one: its events written again and again, each repetition shifted in time by the
 * trace's span (so the steps follow each other) and in its correlation and external ids (so each launch keeps
 * its own id, as in one long profile), steps renumbered. Written as it is made, never held whole. Each event is
 * written in the source's own formatting (Kineto's spaces and newlines, ~224 B/event on the V100 trace), or
 * compactly (`JSON.stringify`, ~176 B/event) when asked.
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
  /** Bytes of one repetition's events as written (in the source's formatting, or compactly). */
  readonly bytesPerRepetition: number;
  /** Each event's text as the source wrote it (absent when written compactly). */
  readonly texts?: readonly string[];
}

const ID_KEYS = ['correlation', 'external id', 'External id'];

/** Reads the trace to replicate (a `.json.gz` Kineto trace), to be written in its own formatting or compactly. */
export function replicaSource(file: string, compact = false): ReplicaSource {
  const json = gunzipSync(readFileSync(file)).toString('utf8');
  const parsed = JSON.parse(json) as { traceEvents: Event[] };
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
  const common = { events, metadata, spanUs: last - first + 1000, idStride: maxId + 1 };
  if (compact) return { ...common, bytesPerRepetition: bytes };
  const texts = eventTexts(json, events.length);
  return { ...common, texts, bytesPerRepetition: texts.reduce((sum, text) => sum + Buffer.byteLength(text) + 4, 0) };
}

/** The source text of each element of the `traceEvents` array, in order (`count` of them, checked). */
function eventTexts(json: string, count: number): string[] {
  const key = json.indexOf('"traceEvents"');
  let at = json.indexOf('[', key) + 1;
  const texts: string[] = [];
  let depth = 0;
  let start = -1;
  for (; at < json.length && depth >= 0; at++) {
    const code = json.charCodeAt(at);
    if (code === 0x22) {
      for (at++; json.charCodeAt(at) !== 0x22; at++) if (json.charCodeAt(at) === 0x5c) at++;
    } else if (code === 0x7b || code === 0x5b) {
      if (depth++ === 0) start = at;
    } else if (code === 0x7d || code === 0x5d) {
      if (--depth === 0) texts.push(json.slice(start, at + 1));
    }
  }
  if (key < 0 || texts.length !== count) throw new Error(`replicated: found ${texts.length} of ${count} events' text`);
  return texts;
}

/**
 * An event's JSON cut around the numbers that change with the repetition (its time, its ids), so that writing a
 * repetition is joining strings: `parts` alternate text and a slot (the number and what one repetition adds).
 */
type Template = Array<string | { value: number; step: number }>;

/** Slot markers: `"@@N@@"` for a number member, `@@N@@` inside the step's name (never in a real trace). */
const MARKS = /"@@(\d+)@@"|@@(\d+)@@/g;

function templateOf(event: Event, source: ReplicaSource, index: number): Template {
  const raw = source.texts?.[index];
  return raw === undefined ? compactTemplate(event, source) : sourceTemplate(raw, event, source);
}

/** A number member written as the source wrote it: `"key": 123.456`. */
const NUMBER_MEMBER = /"(ts|correlation|external id|External id)": *(-?[0-9][0-9.eE+-]*)|"ProfilerStep#([0-9]+)"/g;

/**
 * The template of an event's source text: its time, ids and step number become slots (the values parsed, so a
 * repetition's numbers are the compact form's, digit for digit), everything else is the source's own text.
 */
function sourceTemplate(raw: string, event: Event, source: ReplicaSource): Template {
  const args = event['args'] as Record<string, unknown> | undefined;
  const template: Template = [];
  let from = 0;
  for (const match of raw.matchAll(NUMBER_MEMBER)) {
    const [whole, key, , step] = match;
    let value: unknown;
    let stride: number;
    if (step !== undefined) [value, stride] = [Number(step), 1000];
    else if (key === 'ts') [value, stride] = [event['ts'], source.spanUs];
    else [value, stride] = [args?.[key!], source.idStride];
    if (typeof value !== 'number') continue;
    const head = step !== undefined ? '"ProfilerStep#' : whole.slice(0, whole.length - match[2]!.length);
    template.push(raw.slice(from, match.index) + head, { value, step: stride });
    from = match.index + whole.length - (step !== undefined ? 1 : 0);
  }
  template.push(raw.slice(from));
  return template;
}

function compactTemplate(event: Event, source: ReplicaSource): Template {
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
  const templates = source.events.map((event, index) => templateOf(event, source, index));
  const separator = source.texts ? ',\n  ' : ',\n';
  for (let r = 0; r < times; r++) {
    const lines: string[] = [];
    for (const template of templates) lines.push(textOf(template, r));
    await write(`${r > 0 ? separator : source.texts ? '  ' : ''}${lines.join(separator)}`);
  }
  await write('\n]}\n');
  sink.end();
  await done;
  return bytes;
}
