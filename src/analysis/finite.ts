/**
 * Non-finite numbers never reach a report: events whose times are not finite numbers in a sane range are left out
 * (and counted), and a profile is checked for NaN and ±Infinity before anything reads it.
 */

/**
 * Times beyond ±10^18 µs (31,700 years) are not times; bounding them keeps every sum, mean and percentage finite
 * (10^18 × millions of events is still far from overflow). JSON has no Infinity, but `1e400` parses to it.
 */
export const MAX_TIME_US = 1e18;

const saneTime = (value: unknown) => typeof value === 'number' && Math.abs(value) <= MAX_TIME_US;

/**
 * Whether an event's `ts` and `dur`, where present, are numbers within {@link MAX_TIME_US} (NaN fails too). An
 * event with `dur: "abc"` or `ts: 1e400` would otherwise become a zero-length or infinite span.
 */
export function hasSaneTimes(event: Record<string, unknown>): boolean {
  const ts = event['ts'];
  const dur = event['dur'];
  return (ts === undefined || saneTime(ts)) && (dur === undefined || saneTime(dur));
}

/** The note a report carries for events left out by {@link hasSaneTimes}. */
export function skippedNote(count: number): string {
  return `${count.toLocaleString('en-US')} event${count === 1 ? '' : 's'} left out: a time (ts or dur) that is not a number within ±10^18 µs`;
}

/**
 * The path of the first number in `value` (objects, arrays, typed arrays) that is NaN or ±Infinity, e.g.
 * `steps[3].breakdown.kernel`, or undefined when every number is finite.
 */
export function firstNonFinite(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path || '(value)';
  if (value === null || typeof value !== 'object') return undefined;
  if (ArrayBuffer.isView(value)) {
    const array = value as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < array.length; i++) {
      const item = array[i];
      if (typeof item === 'number' && !Number.isFinite(item)) return `${path}[${i}]`;
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstNonFinite(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = firstNonFinite(item, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}
