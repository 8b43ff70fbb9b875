/**
 * The Trace Event Format's own rules, as its reference readers (catapult's trace viewer and Perfetto's JSON
 * importer) apply them, between the reader and the importers: `ts` and `dur` given as numeric strings are numbers;
 * an event whose phase (`ph`) the format does not define is left out, counted, not a reason to refuse the file;
 * `displayTimeUnit` only changes how times are shown (they stay µs). What was left out or converted, and how the
 * file itself departed from plain UTF-8 JSON, becomes the report's {@link IngestReport}.
 */
import type { IngestReport } from '../../protocol/analysis';
import type { TraceDocument } from './traceReader';

/** Every phase the Trace Event Format defines, the deprecated ones included. */
export const TRACE_PHASES: ReadonlySet<string> = new Set(
  // Duration, complete, instant, counter, async (nestable and legacy), flow, sample, object, metadata, memory
  // dump, mark, clock sync, context.
  ['B', 'E', 'X', 'i', 'I', 'C', 'b', 'n', 'e', 'S', 'T', 'p', 'F', 's', 't', 'f', 'P', 'N', 'O', 'D', 'M'].concat([
    'V',
    'v',
    'R',
    'c',
    '(',
    ')',
  ]),
);

/** A JSON number written as a string (white space around it allowed, as JavaScript's Number() allows). */
const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
/** Distinct unknown phases named in the note; the rest are only counted. */
const NAMED_PHASES = 5;

/** Why events were left out, as {@link IngestReport.skipped} counts them. */
export type SkipReason = 'unknown-phase' | 'unmatched-end' | 'unclosed-begin' | 'cut-event' | 'bad-time';

/** Applies the format's rules to each event and counts what they changed; one per trace read. */
export class IngestTally {
  private readonly skipped = new Map<SkipReason, number>();
  private readonly converted = new Map<string, number>();
  private readonly phases = new Map<string, number>();

  /**
   * Whether the event is one to analyse: its phase is one the format defines. Numeric strings in `ts` and `dur`
   * become numbers in place (catapult reads them as numbers; dropping them loses the event).
   */
  accept(event: Record<string, unknown>): boolean {
    const ph = event['ph'];
    if (typeof ph !== 'string' || !TRACE_PHASES.has(ph)) {
      const shown = typeof ph === 'string' ? `"${ph.slice(0, 16)}"` : ph === undefined ? 'none' : typeof ph;
      if (this.phases.has(shown) || this.phases.size < NAMED_PHASES)
        this.phases.set(shown, (this.phases.get(shown) ?? 0) + 1);
      this.skip('unknown-phase');
      return false;
    }
    if (typeof event['ts'] === 'string') this.convert(event, 'ts');
    if (typeof event['dur'] === 'string') this.convert(event, 'dur');
    return true;
  }

  /** Counts events left out for `reason`. */
  skip(reason: SkipReason, count = 1): void {
    if (count > 0) this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + count);
  }

  private convert(event: Record<string, unknown>, key: 'ts' | 'dur'): void {
    const text = event[key] as string;
    if (!NUMERIC.test(text)) return;
    event[key] = Number(text);
    this.converted.set(`string-${key}`, (this.converted.get(`string-${key}`) ?? 0) + 1);
  }

  /** What the report says about reading the trace, or undefined when it was read as plain, conforming JSON. */
  report(document: TraceDocument): IngestReport | undefined {
    const notes: string[] = [];
    if (document.encoding !== 'utf-8')
      notes.push(`the file is ${document.encoding.toUpperCase()} text, decoded as such (JSON is normally UTF-8)`);
    else if (document.bom) notes.push('the file starts with a UTF-8 byte order mark, skipped');
    if (document.unclosed)
      notes.push(
        document.unclosed.cutAt === undefined
          ? 'the file ended without the closing "]" of its event array (allowed: the process that wrote it may have stopped); every event was read'
          : `the file ended without the closing "]" of its event array, in the middle of an event (at character ${document.unclosed.cutAt}): the events before it were read, the cut one is left out`,
      );
    if (document.unclosed?.cutAt !== undefined) this.skip('cut-event');
    // The format's default unit is "ms", which changes nothing; "ns" asks viewers for finer times.
    const unit = document.metadata['displayTimeUnit'];
    const displayTimeUnit = unit === 'ns' ? unit : undefined;
    if (displayTimeUnit)
      notes.push(
        'displayTimeUnit "ns": times are read in µs as the format says; the unit only sets how viewers show them',
      );
    else if (unit !== undefined && unit !== 'ms')
      notes.push(
        `displayTimeUnit ${JSON.stringify(unit).slice(0, 20)} is not one the format defines ("ms", "ns"): ignored`,
      );
    for (const [kind, count] of this.converted)
      notes.push(`${plural(count, 'event')} gave ${kind.slice(7)} as a numeric string, read as a number`);
    const skipped = Object.fromEntries(this.skipped) as Record<string, number>;
    const phases = [...this.phases].map(([ph, n]) => `${ph} ×${n}`).join(', ');
    if (skipped['unknown-phase'])
      notes.push(
        `${plural(skipped['unknown-phase'], 'event')} left out: a phase (ph) the format does not define (${phases})`,
      );
    if (skipped['unmatched-end'])
      notes.push(`${plural(skipped['unmatched-end'], 'E (end) event')} left out: no B (begin) open on its thread`);
    if (skipped['unclosed-begin'])
      notes.push(`${plural(skipped['unclosed-begin'], 'B (begin) event')} left out: never ended by an E on its thread`);
    if (notes.length === 0 && Object.keys(skipped).length === 0) return undefined;
    return {
      skipped,
      converted: Object.fromEntries(this.converted),
      ...(displayTimeUnit ? { displayTimeUnit } : {}),
      notes,
    };
  }
}

const plural = (count: number, noun: string) => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
