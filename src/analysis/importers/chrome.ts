import type { SpanRecorder } from '../spans';
import { OpTotals } from '../opTotals';
import type { Profile } from '../profile';
import { intersectRanges, mergeRanges, subtractRanges, sumRanges, type Ranges } from '../ranges';

/** At most this many event categories get their own share; the rest are `other`. */
const MAX_CATEGORIES = 7;

/**
 * Builds a {@link Profile} from a plain Chrome trace-event file (complete `X` events and `B`/`E` pairs). Such a trace
 * has no notion of training steps, so the whole trace is one step and the report says so. Its time is split by the
 * events' own categories (`cat`): the categories with the most time first, each counted once where they overlap,
 * the remaining time `other`. Operators are the events aggregated by name.
 */
export class ChromeProfileBuilder {
  private readonly byCategory = new Map<string, number[]>();
  private readonly totals = new Map<string, number>();
  private readonly names = new OpTotals();
  private readonly open = new Map<string, Array<{ ts: number; name: string; cat: string }>>();
  private min = Infinity;
  private max = -Infinity;
  events = 0;
  /** E events with no B open on their thread (left out). */
  private unmatchedEnds = 0;

  /** @param spans where to record the spans for the timeline view, when it is wanted. */
  constructor(private readonly spans?: SpanRecorder) {}

  add(event: Record<string, unknown>): void {
    this.events++;
    const ts = event['ts'];
    if (typeof ts !== 'number' || !Number.isFinite(ts)) return;
    const name = typeof event['name'] === 'string' ? event['name'] : '';
    const cat = typeof event['cat'] === 'string' && event['cat'] ? event['cat'] : 'uncategorized';
    const thread = `${String(event['pid'])}/${String(event['tid'])}`;
    switch (event['ph']) {
      case 'X': {
        const dur = typeof event['dur'] === 'number' && event['dur'] > 0 ? event['dur'] : 0;
        this.span(name, cat, ts, ts + dur, thread);
        return;
      }
      case 'B': {
        const stack = this.open.get(thread) ?? [];
        stack.push({ ts, name, cat });
        this.open.set(thread, stack);
        return;
      }
      case 'E': {
        const begin = this.open.get(thread)?.pop();
        if (begin) this.span(begin.name, begin.cat, begin.ts, ts, thread);
        else this.unmatchedEnds++;
        return;
      }
      default:
        return;
    }
  }

  /** B/E events that found no partner (matched per pid/tid as a stack): E with no open B, B never ended. */
  unmatched(): { readonly ends: number; readonly begins: number } {
    let begins = 0;
    for (const stack of this.open.values()) begins += stack.length;
    return { ends: this.unmatchedEnds, begins };
  }

  private span(name: string, cat: string, start: number, end: number, thread: string): void {
    this.spans?.add(thread, `process ${thread.replace('/', ' · thread ')}`, 'cpu', name, start, end - start);
    let list = this.byCategory.get(cat);
    if (!list) this.byCategory.set(cat, (list = []));
    list.push(start, end);
    this.totals.set(cat, (this.totals.get(cat) ?? 0) + (end - start));
    this.names.add(name, end - start);
    this.min = Math.min(this.min, start);
    this.max = Math.max(this.max, end);
  }

  build(file: string, bytes: number): Profile {
    if (!Number.isFinite(this.min)) throw new Error('the trace has no duration events (ph X, or B/E pairs) to analyse');
    const ranked = [...this.totals.entries()].sort((a, b) => b[1] - a[1]).map(([cat]) => cat);
    const named = ranked.slice(0, MAX_CATEGORIES).filter((c) => c !== 'other');
    const categories = [...named, 'other'];
    let slots: Ranges = Float64Array.of(this.min, this.max);
    const breakdown: Record<string, number> = {};
    for (const cat of named) {
      const share = intersectRanges(slots, mergeRanges(this.byCategory.get(cat)!));
      breakdown[cat] = sumRanges(share);
      slots = subtractRanges(slots, share);
    }
    breakdown['other'] = sumRanges(slots);
    const operators = this.names.table();
    return {
      source: 'chrome',
      file,
      devices: [],
      categories,
      steps: [{ name: '0', startUs: this.min, endUs: this.max, breakdown }],
      stepsNote: 'a Chrome trace has no training steps: the whole trace is analysed as one step',
      kernels: [],
      operators,
      ...(this.spans ? { timeline: this.spans.build() } : {}),
      stats: { events: this.events, bytes },
    };
  }
}
