/**
 * The spans of a trace on their tracks (CPU threads, GPU streams, a run's phases), kept in flat typed arrays so a
 * trace with millions of events does not become millions of objects. The timeline view draws them.
 */

/** One row group of the timeline: a CPU thread, a GPU stream, the steps, a run's phases. */
export interface TimelineTrack {
  readonly name: string;
  readonly kind: 'steps' | 'cpu' | 'gpu' | 'phase' | 'other';
  /** Nesting depth of the deepest span on the track (0 when nothing nests). */
  readonly depth: number;
}

/** Every recorded span, sorted by track, then start. Names are indices into `names`. */
export interface ProfileTimeline {
  readonly tracks: readonly TimelineTrack[];
  readonly names: readonly string[];
  readonly track: Uint32Array;
  readonly name: Uint32Array;
  readonly startUs: Float64Array;
  readonly durUs: Float64Array;
  /** Nesting depth of each span on its track (a span inside another is one deeper). */
  readonly depth: Uint8Array;
  /** Spans not kept because the trace had more than the recorder's cap (the latest ones, by start time). */
  readonly dropped: number;
}

/** The most spans kept by default: about 50 MB of arrays. */
export const MAX_SPANS = 2_000_000;

/** Overlap below this (µs) is rounding, not nesting. */
const NEST_TOLERANCE_US = 0.01;

/**
 * Collects spans while a trace streams in; {@link build} sorts them and computes nesting depths. Over the cap it
 * keeps the earliest spans by start time (ties in the order added), whatever the file's order: Kineto lists every
 * CPU event before the GPU events, and the timeline shows the first whole steps, CPU and GPU alike.
 */
export class SpanRecorder {
  private readonly trackIds = new Map<string, number>();
  private readonly tracks: Array<{ name: string; kind: TimelineTrack['kind'] }> = [];
  private readonly nameIds = new Map<string, number>();
  private readonly names: string[] = [];
  private track = new Uint32Array(4096);
  private name = new Uint32Array(4096);
  private start = new Float64Array(4096);
  private dur = new Float64Array(4096);
  private length = 0;
  private dropped = 0;
  /** Once the cap is reached: spans starting at or after this cannot be among the earliest `cap`. */
  private horizon = Infinity;

  constructor(private readonly cap = MAX_SPANS) {}

  /** Records a span on the track `key` (created with `label` and `kind` on first use). */
  add(key: string, label: string, kind: TimelineTrack['kind'], name: string, startUs: number, durUs: number): void {
    if (startUs >= this.horizon) {
      this.dropped++;
      return;
    }
    // A quarter over the cap, the latest spans go (sorting by start costs less than checking every add).
    if (this.length >= this.cap + Math.ceil(this.cap / 4)) {
      this.keepEarliest();
      if (startUs >= this.horizon) {
        this.dropped++;
        return;
      }
    }
    let track = this.trackIds.get(key);
    if (track === undefined) {
      track = this.tracks.length;
      this.trackIds.set(key, track);
      this.tracks.push({ name: label, kind });
    }
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.nameIds.set(name, id);
      this.names.push(name);
    }
    if (this.length === this.start.length) this.grow();
    this.track[this.length] = track;
    this.name[this.length] = id;
    this.start[this.length] = startUs;
    this.dur[this.length] = durUs > 0 ? durUs : 0;
    this.length++;
  }

  get size(): number {
    return Math.min(this.length, this.cap);
  }

  /** Keeps the `cap` earliest spans (by start, ties in the order added); later spans start at or after the horizon. */
  private keepEarliest(): void {
    if (this.length <= this.cap) return;
    const starts = this.start.slice(0, this.length).sort();
    const horizon = starts[this.cap - 1]!;
    let ties = this.cap;
    for (let i = this.cap - 1; i >= 0 && starts[i] === horizon; i--) ties--;
    ties = this.cap - ties;
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      const start = this.start[i]!;
      if (start > horizon || (start === horizon && ties-- <= 0)) continue;
      this.track[kept] = this.track[i]!;
      this.name[kept] = this.name[i]!;
      this.start[kept] = start;
      this.dur[kept] = this.dur[i]!;
      kept++;
    }
    this.dropped += this.length - kept;
    this.length = kept;
    this.horizon = horizon;
  }

  private grow(): void {
    const size = this.start.length * 2;
    const track = new Uint32Array(size);
    track.set(this.track);
    this.track = track;
    const name = new Uint32Array(size);
    name.set(this.name);
    this.name = name;
    const start = new Float64Array(size);
    start.set(this.start);
    this.start = start;
    const dur = new Float64Array(size);
    dur.set(this.dur);
    this.dur = dur;
  }

  /** The timeline, tracks ordered steps, CPU, GPU, phases, then others (each by first use). */
  build(): ProfileTimeline {
    this.keepEarliest();
    const n = this.length;
    const kindOrder = { steps: 0, phase: 1, cpu: 2, gpu: 3, other: 4 } as const;
    const trackOrder = this.tracks
      .map((t, i) => i)
      .sort((a, b) => kindOrder[this.tracks[a]!.kind] - kindOrder[this.tracks[b]!.kind] || a - b);
    const rank = new Uint32Array(this.tracks.length);
    trackOrder.forEach((t, i) => (rank[t] = i));
    const order = new Uint32Array(n).map((_, i) => i);
    // Longer spans first at equal starts, so a parent precedes the children that start with it.
    order.sort(
      (a, b) =>
        rank[this.track[a]!]! - rank[this.track[b]!]! || this.start[a]! - this.start[b]! || this.dur[b]! - this.dur[a]!,
    );
    const track = new Uint32Array(n);
    const name = new Uint32Array(n);
    const startUs = new Float64Array(n);
    const durUs = new Float64Array(n);
    const depth = new Uint8Array(n);
    const maxDepth = new Uint32Array(this.tracks.length);
    const stack: number[] = [];
    let current = -1;
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      track[i] = rank[this.track[j]!]!;
      name[i] = this.name[j]!;
      startUs[i] = this.start[j]!;
      durUs[i] = this.dur[j]!;
      if (track[i] !== current) {
        current = track[i]!;
        stack.length = 0;
      }
      // Ends of the enclosing spans; a span nests in the innermost one that is still open when it starts.
      // Back-to-back spans whose rounded times overlap by a few nanoseconds do not nest.
      while (stack.length > 0 && stack.at(-1)! <= startUs[i]! + NEST_TOLERANCE_US) stack.pop();
      const d = Math.min(stack.length, 255);
      depth[i] = d;
      if (d > maxDepth[current]!) maxDepth[current] = d;
      stack.push(startUs[i]! + durUs[i]!);
    }
    return {
      tracks: trackOrder.map((t, i) => ({ ...this.tracks[t]!, depth: maxDepth[i]! })),
      names: this.names,
      track,
      name,
      startUs,
      durUs,
      depth,
      dropped: this.dropped,
    };
  }
}
