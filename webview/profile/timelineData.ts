/**
 * The Timeline view's data side, free of DOM and canvas: the layout constants, the spans sorted into typed arrays,
 * tracks laid out in rows, steps and the trace's extent, binary searches and queries over a track's spans, and the
 * number, time and tick formatting. All times are µs relative to the timeline's origin.
 */
import type { TimelineView } from '../../src/protocol/profileView';

/** Height of one nesting level, CSS px. */
export const ROW_HEIGHT = 18;
/** Deeper spans are drawn on the row of this depth. */
export const MAX_DRAWN_DEPTH = 12;
/** Padding above and below each track's rows. */
export const TRACK_PADDING = 2;
/** Height of the axis row of step names (present only with steps), CSS px. */
export const STEP_ROW_HEIGHT = 16;
/** Height of the axis row of tick labels, CSS px. */
export const TICK_ROW_HEIGHT = 20;
/** Space right of the plot, CSS px. */
export const RIGHT_PADDING = 8;

/** One track's spans and where its rows are drawn. */
export interface Track {
  readonly name: string;
  readonly kind: string;
  /** Spans [first, end) of the sorted arrays. */
  readonly first: number;
  readonly end: number;
  readonly maxDurUs: number;
  /** Rows drawn: min(depth, MAX_DRAWN_DEPTH) + 1. */
  readonly rows: number;
  /** Index of the track's first row among all rows (for per-row coalescing). */
  readonly rowBase: number;
  /** CSS px from the canvas top. */
  readonly top: number;
  readonly height: number;
}

/** A step, relative to the origin. */
export interface Step {
  readonly name: string;
  readonly startUs: number;
  readonly endUs: number;
}

/** Spans in the order they are drawn (track, then start). */
export interface Spans {
  readonly start: Float64Array;
  readonly dur: Float64Array;
  readonly name: Uint32Array;
  readonly depth: Uint32Array;
  readonly count: number;
}

/** The tracks laid out below the axis, and the canvas height they need. */
export interface TrackLayout {
  readonly tracks: readonly Track[];
  /** Rows of all tracks together. */
  readonly rowCount: number;
  /** Height of the time axis above the tracks (step row, if any, and tick row), CSS px. */
  readonly axisHeight: number;
  /** Height of axis and tracks, CSS px. */
  readonly contentHeight: number;
}

/** The first index in [lo, hi) whose value is >= `value` (values sorted ascending there). */
export function lowerBound(values: Float64Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** FNV-1a: a stable hash, so a span name keeps its colour across views and reloads. */
export function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A number with at most `digits` decimals, trailing zeros dropped. */
export function trim(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/** A duration or time in µs as µs, ms or s: `0.35 µs`, `850 µs`, `12.4 ms`, `1.25 s`. */
export function formatTimeUs(us: number): string {
  const abs = Math.abs(us);
  if (abs < 1000) return `${trim(us, abs < 10 ? 2 : abs < 100 ? 1 : 0)} µs`;
  if (abs < 1e6) return `${trim(us / 1000, abs < 1e4 ? 3 : abs < 1e5 ? 2 : 1)} ms`;
  return `${trim(us / 1e6, 3)} s`;
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

/** A tick label: the unit follows the tick spacing, with just enough decimals to tell ticks apart. */
export function tickLabel(us: number, step: number): string {
  const [scale, unit] = step < 1000 ? [1, 'µs'] : step < 1e6 ? [1000, 'ms'] : [1e6, 's'];
  const decimals = Math.max(0, Math.ceil(-Math.log10(step / scale) - 1e-9));
  return `${(us / scale).toFixed(decimals)} ${unit}`;
}

/** The spans sorted by track then start (copied as is when already sorted, as the protocol promises). */
export function sortedSpans(view: TimelineView): { spans: Spans; track: Int32Array } {
  const n = Math.min(view.track.length, view.name.length, view.startUs.length, view.durUs.length, view.depth.length);
  let order: number[] | undefined;
  for (let i = 1; i < n; i++) {
    const a = view.track[i - 1]!;
    const b = view.track[i]!;
    if (b < a || (b === a && view.startUs[i]! < view.startUs[i - 1]!)) {
      order = Array.from({ length: n }, (_, k) => k);
      order.sort((x, y) => view.track[x]! - view.track[y]! || view.startUs[x]! - view.startUs[y]!);
      break;
    }
  }
  const start = new Float64Array(n);
  const dur = new Float64Array(n);
  const name = new Uint32Array(n);
  const depth = new Uint32Array(n);
  const track = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = order ? order[i]! : i;
    start[i] = view.startUs[k]!;
    dur[i] = Math.max(0, view.durUs[k]!);
    name[i] = view.name[k]!;
    depth[i] = Math.max(0, view.depth[k]!);
    track[i] = view.track[k]!;
  }
  return { spans: { start, dur, name, depth, count: n }, track };
}

/**
 * Lays the view's tracks out below the axis: each track's span range (`track` holds the sorted spans' track
 * indices), its longest span (for the search back from a window's start) and its rows.
 */
export function layoutTracks(view: TimelineView, spans: Spans, track: Int32Array, hasSteps: boolean): TrackLayout {
  const tracks: Track[] = [];
  const axisHeight = (hasSteps ? STEP_ROW_HEIGHT : 0) + TICK_ROW_HEIGHT;
  let top = axisHeight;
  let rowBase = 0;
  let cursor = 0;
  for (let k = 0; k < view.tracks.length; k++) {
    while (cursor < spans.count && track[cursor]! < k) cursor++;
    const first = cursor;
    let maxDurUs = 0;
    let maxDepth = Math.max(0, view.tracks[k]!.depth);
    while (cursor < spans.count && track[cursor] === k) {
      if (spans.dur[cursor]! > maxDurUs) maxDurUs = spans.dur[cursor]!;
      if (spans.depth[cursor]! > maxDepth) maxDepth = spans.depth[cursor]!;
      cursor++;
    }
    const rows = Math.min(maxDepth, MAX_DRAWN_DEPTH) + 1;
    const height = rows * ROW_HEIGHT + 2 * TRACK_PADDING;
    const { name, kind } = view.tracks[k]!;
    tracks.push({ name, kind, first, end: cursor, maxDurUs, rows, rowBase, top, height });
    top += height;
    rowBase += rows;
  }
  return { tracks, rowCount: rowBase, axisHeight, contentHeight: top + 1 };
}

/** The time covered by the tracks' spans, the steps and the origin (0); 1 ms from its start when that is empty. */
export function timeExtent(
  spans: Spans,
  tracks: readonly Track[],
  steps: readonly Step[],
): { readonly startUs: number; readonly endUs: number } {
  let minUs = 0;
  let maxUs = 0;
  for (const t of tracks) {
    for (let i = t.first; i < t.end; i++) {
      const s = spans.start[i]!;
      if (s < minUs) minUs = s;
      if (s + spans.dur[i]! > maxUs) maxUs = s + spans.dur[i]!;
    }
  }
  for (const s of steps) {
    minUs = Math.min(minUs, s.startUs);
    maxUs = Math.max(maxUs, s.endUs);
  }
  return { startUs: minUs, endUs: maxUs > minUs ? maxUs : minUs + 1000 };
}

/** The span of track `t` on drawn row `row` nearest to `atUs`, at most `toleranceUs` away; -1 when none. */
export function nearestSpan(spans: Spans, t: Track, row: number, atUs: number, toleranceUs: number): number {
  const { start, dur, depth } = spans;
  let best = -1;
  let bestDistance = Infinity;
  for (let i = lowerBound(start, t.first, t.end, atUs - toleranceUs - t.maxDurUs); i < t.end; i++) {
    const s = start[i]!;
    if (s > atUs + toleranceUs) break;
    if (Math.min(depth[i]!, MAX_DRAWN_DEPTH) !== row) continue;
    const e = s + dur[i]!;
    if (e < atUs - toleranceUs) continue;
    const distance = atUs < s ? s - atUs : atUs > e ? atUs - e : 0;
    if (distance <= bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}

/** Track `t`'s spans that overlap [ws, we) and the time in it covered by at least one of them. */
export function windowStats(spans: Spans, t: Track, ws: number, we: number): { count: number; busyUs: number } {
  const { start, dur } = spans;
  let count = 0;
  let busy = 0;
  let runStart = 0;
  let runEnd = -Infinity;
  for (let i = lowerBound(start, t.first, t.end, ws - t.maxDurUs); i < t.end; i++) {
    const s = start[i]!;
    if (s >= we) break;
    const e = s + dur[i]!;
    if (e <= ws && !(dur[i] === 0 && s === ws)) continue;
    count++;
    const a = Math.max(s, ws);
    const b = Math.min(e, we);
    if (a > runEnd) {
      if (runEnd > runStart) busy += runEnd - runStart;
      runStart = a;
      runEnd = b;
    } else if (b > runEnd) runEnd = b;
  }
  if (runEnd > runStart) busy += runEnd - runStart;
  return { count, busyUs: busy };
}
