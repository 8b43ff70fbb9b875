/**
 * Repairs the legacy PyTorch exporter's unescaped names. `EventList.export_chrome_trace` writes each event from a
 * fixed template, `{"name": "%s", "ph": "X", "ts": …, "dur": …, "tid": …, "pid": "CPU functions", "args": {}}`,
 * with the name as it is: a `record_function` label holding a `"` (or a `\` or a new line) makes the file invalid
 * JSON. Because the template is fixed, the name is everything between `{"name": "` and the template's next
 * `", "ph": "`, and the rest of the event is the template's own JSON. The repair reads the file that way when the
 * reader refused it; it is unambiguous when every event fits the template, and a name that would need the
 * template's own text in it fails with the event's byte position.
 */
import { readFileSync, statSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { TraceError } from '../ingest/traceError';
import { MAX_INFLATION, type TraceDocument } from '../ingest/traceReader';

/** Files are repaired in memory: larger ones (after decompression) are not tried. */
export const MAX_REPAIR_BYTES = 256 * 1024 * 1024;

const EVENT_START = '{"name": "';
/** How every export starts: the array, then the first event's name. */
const LEGACY_START = `[${EVENT_START}`;
const NAME_END = '", "ph": "';
/** Every event of the template ends with its empty `args`. */
const EVENT_END = '"args": {}}';

/** A legacy trace read by the repair: its events, the document as the reader would have described it, and how many names needed escaping. */
export interface RepairedTrace {
  readonly events: Array<Record<string, unknown>>;
  readonly document: TraceDocument;
  readonly repaired: number;
}

/** What the report says about a repaired trace. */
export const repairNote = (repaired: number): string =>
  `${repaired} event name${repaired === 1 ? '' : 's'} with unescaped quotes repaired (the legacy exporter writes names as they are)`;

/**
 * The events of a legacy PyTorch export that the reader refused, read by the exporter's template; undefined when
 * the file is not such an export (or is too large to repair), or when nothing in it needed repairing (the reader's
 * own error then stands). Throws a {@link TraceError} with the byte position of the event when a name with an
 * unescaped quote cannot be repaired unambiguously.
 */
export function repairLegacyTrace(file: string): RepairedTrace | undefined {
  const text = legacyText(file);
  if (text === undefined) return undefined;
  const events: Array<Record<string, unknown>> = [];
  let repaired = 0;
  let at = text.indexOf(EVENT_START);
  for (;;) {
    const nameStart = at + EVENT_START.length;
    const nameEnd = text.indexOf(NAME_END, nameStart);
    const close = nameEnd < 0 ? -1 : text.indexOf(EVENT_END, nameEnd);
    const event =
      close < 0
        ? undefined
        : eventOf(text.slice(nameStart, nameEnd), text.slice(nameEnd + 1, close + EVENT_END.length));
    if (!event) {
      // Only an event that is itself invalid JSON is this repair's to report (a truncated file, or valid events
      // that do not fit the template, are the reader's error).
      const end = text.indexOf(EVENT_END, nameStart);
      if (end < 0 || isJson(text.slice(at, end + EVENT_END.length))) return undefined;
      throw new TraceError(
        `the trace is not valid JSON: the PyTorch profiler's legacy exporter wrote an event name with an unescaped quote that cannot be repaired unambiguously (the event at byte ${Buffer.byteLength(text.slice(0, at))})`,
        file,
      );
    }
    events.push(event.value);
    if (event.repaired) repaired++;
    at = close + EVENT_END.length;
    if (text.startsWith(', {', at)) at += 2;
    else break;
  }
  if (text.slice(at).trim() !== ']' || repaired === 0) return undefined;
  const document: TraceDocument = {
    root: 'array',
    metadata: {},
    events: events.length,
    rows: 0,
    bytes: Buffer.byteLength(text),
    truncatedStrings: 0,
    encoding: 'utf-8',
    bom: false,
  };
  return { events, document, repaired };
}

/** One event from its raw name and the rest of its template (`, "ph": …, "args": {}}`), or undefined. */
function eventOf(name: string, rest: string): { value: Record<string, unknown>; repaired: boolean } | undefined {
  // Text of the template inside a name means the events cannot be told apart.
  if (name.includes(EVENT_START) || name.includes(EVENT_END) || rest.includes(EVENT_START)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(`{"name": ${JSON.stringify(name)}${rest}`);
  } catch {
    return undefined;
  }
  const event = value as Record<string, unknown>;
  if (typeof event['ts'] !== 'number' || !['X', 's', 'f'].includes(event['ph'] as string)) return undefined;
  return { value: event, repaired: JSON.stringify(name) !== `"${name}"` };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The file's text when it starts like a legacy export and is small enough to repair in memory. */
function legacyText(file: string): string | undefined {
  try {
    // Only a regular file (never a device or FIFO), read whole only once its first bytes are the exporter's.
    const stats = statSync(file);
    if (!stats.isFile() || stats.size > MAX_REPAIR_BYTES) return undefined;
    const raw = readFileSync(file);
    const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
    const head = gzipped ? gunzipSync(raw.subarray(0, 4096), { finishFlush: constants.Z_SYNC_FLUSH }) : raw;
    if (!head.toString('utf8', 0, LEGACY_START.length).startsWith(LEGACY_START)) return undefined;
    const limit = Math.min(MAX_REPAIR_BYTES, MAX_INFLATION * raw.length);
    return (gzipped ? gunzipSync(raw, { maxOutputLength: limit }) : raw).toString('utf8');
  } catch {
    return undefined;
  }
}
