/**
 * The Timeline view's canvas rendering: one frame paints the time axis, each track's spans (binary-searched from the
 * window's start, sub-pixel spans coalesced to one rectangle per pixel column and row, batched by colour), span
 * labels, the hovered span's outline, step lines and names, and the gutter of track names.
 */
import {
  type Spans,
  type Step,
  type Track,
  type TrackLayout,
  MAX_DRAWN_DEPTH,
  RIGHT_PADDING,
  ROW_HEIGHT,
  STEP_ROW_HEIGHT,
  TICK_ROW_HEIGHT,
  TRACK_PADDING,
  hashName,
  lowerBound,
  niceStep,
  tickLabel,
} from './timelineData';
import { CHART_NAMES, type Theme, readTheme } from './timelineTheme';

const GUTTER_MIN = 90;
const GUTTER_MAX = 220;
/** Spans at least this wide (px) get their name drawn inside. */
const LABEL_MIN_PX = 30;
/** At most this many span labels per frame (they are the costly part of a frame). */
const MAX_LABELS = 3000;
/** The tick spacing aimed for, px. */
const TICK_SPACING_PX = 100;

/** A growable list of rectangles of one colour. */
interface RectBucket {
  data: Float32Array;
  n: number;
}

/** What a {@link TimelineRenderer} draws. */
export interface TimelineScene {
  /** The spans sorted by track then start. */
  readonly spans: Spans;
  /** Span names, indexed by `spans.name`. */
  readonly names: readonly string[];
  readonly layout: TrackLayout;
  readonly steps: readonly Step[];
}

/** Draws a {@link TimelineScene} on a canvas, for a window of time and a hovered span the caller keeps. */
export class TimelineRenderer {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly spans: Spans;
  private readonly names: readonly string[];
  private readonly nameColor: Uint8Array;
  private readonly nameWidth: Float32Array;
  private readonly tracks: readonly Track[];
  private readonly lastColumn: Int32Array;
  /** Steps sorted by start. */
  private readonly stepsByStart: readonly Step[];
  private readonly maxStepUs: number;
  private readonly axisHeight: number;
  private readonly contentHeight: number;
  private readonly buckets: RectBucket[];
  /** Labels of this frame: span index, x, y, width. */
  private labels = new Float64Array(4 * 256);

  private theme: Theme;
  private gutter = GUTTER_MIN;
  private ellipsisWidth = 0;
  private cssWidth = 0;
  private dpr = 1;
  private needsResize = true;
  private frameMs = 0;

  /** Draws on `canvas`, in the theme seen from `themeSource`; throws when the canvas has no 2D context. */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly themeSource: HTMLElement,
    scene: TimelineScene,
  ) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('The timeline needs a 2D canvas.');
    this.ctx = ctx;
    this.theme = readTheme(themeSource, ctx);
    this.spans = scene.spans;
    this.names = scene.names;
    this.tracks = scene.layout.tracks;
    this.axisHeight = scene.layout.axisHeight;
    this.contentHeight = scene.layout.contentHeight;
    this.lastColumn = new Int32Array(Math.max(1, scene.layout.rowCount));
    this.stepsByStart = [...scene.steps].sort((a, b) => a.startUs - b.startUs);
    this.maxStepUs = scene.steps.reduce((m, s) => Math.max(m, s.endUs - s.startUs), 0);
    this.nameColor = new Uint8Array(scene.names.length);
    scene.names.forEach((name, i) => (this.nameColor[i] = hashName(name) % CHART_NAMES.length));
    this.nameWidth = new Float32Array(scene.names.length).fill(-1);
    this.buckets = CHART_NAMES.map(() => ({ data: new Float32Array(4 * 1024), n: 0 }));
  }

  /** Where the plot starts: the gutter's width, CSS px. */
  get plotLeft(): number {
    return this.gutter;
  }

  /** The canvas's width at the last resize, CSS px. */
  get width(): number {
    return this.cssWidth;
  }

  /** Milliseconds the last frame took to draw. */
  get lastFrameMs(): number {
    return this.frameMs;
  }

  /** The plot's width (canvas less gutter and right padding), CSS px, at least 1. */
  plotWidth(): number {
    return Math.max(1, this.cssWidth - this.gutter - RIGHT_PADDING);
  }

  /** Makes the next frame size the canvas again (after a resize or a change of device pixel ratio). */
  invalidateSize(): void {
    this.needsResize = true;
  }

  /** Reads the theme again; the next frame draws in it. */
  updateTheme(): void {
    this.theme = readTheme(this.themeSource, this.ctx);
    this.nameWidth.fill(-1);
    this.measureGutter();
  }

  /** Sizes the gutter to the widest track name (within bounds) and measures the ellipsis. */
  measureGutter(): void {
    const ctx = this.ctx;
    ctx.font = this.gutterFont();
    let widest = 0;
    for (const t of this.tracks) widest = Math.max(widest, ctx.measureText(t.name).width);
    this.gutter = Math.round(Math.min(GUTTER_MAX, Math.max(GUTTER_MIN, widest + 20)));
    ctx.font = this.labelFont();
    this.ellipsisWidth = ctx.measureText('…').width;
    this.canvas.dataset['plotLeft'] = String(this.gutter);
  }

  /** Draws a frame of the window [startUs, endUs), outlining span `hovered` (none when negative). */
  draw(win: { readonly startUs: number; readonly endUs: number }, hovered: number): void {
    if (this.needsResize) this.resize();
    if (this.cssWidth <= 0) return;
    const began = performance.now();
    const ctx = this.ctx;
    const theme = this.theme;
    const width = this.cssWidth;
    const height = this.contentHeight;
    const plotLeft = this.gutter;
    const plotWidth = this.plotWidth();
    const plotRight = plotLeft + plotWidth;
    const { startUs: ws, endUs: we } = win;
    const pxPerUs = plotWidth / (we - ws);
    const xOf = (us: number) => plotLeft + (us - ws) * pxPerUs;

    ctx.setTransform(this.canvas.width / width, 0, 0, this.canvas.height / height, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, height);

    // Time axis: ticks at 1/2/5 × 10^k µs, labelled in the unit the spacing calls for, with faint grid lines.
    const tickStep = niceStep(TICK_SPACING_PX / pxPerUs);
    const tickTop = this.axisHeight - TICK_ROW_HEIGHT;
    ctx.font = this.labelFont();
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    for (let k = Math.ceil(ws / tickStep); k * tickStep <= we; k++) {
      const x = Math.round(xOf(k * tickStep));
      ctx.fillStyle = theme.border;
      ctx.fillRect(x, this.axisHeight, 1, height - this.axisHeight);
      ctx.fillStyle = theme.muted;
      ctx.fillRect(x, this.axisHeight - 5, 1, 5);
      if (x + 40 < plotRight + RIGHT_PADDING) ctx.fillText(tickLabel(k * tickStep, tickStep), x + 3, tickTop + 9);
    }

    // Spans, clipped to the plot.
    ctx.save();
    ctx.beginPath();
    ctx.rect(plotLeft, this.axisHeight, plotWidth, height - this.axisHeight);
    ctx.clip();
    const labelCount = this.collectSpans(ws, we, pxPerUs, plotLeft, plotRight);
    for (let c = 0; c < this.buckets.length; c++) {
      const { data, n } = this.buckets[c]!;
      if (n === 0) continue;
      ctx.fillStyle = theme.chart[c]!;
      for (let j = 0; j < n; j += 4) ctx.fillRect(data[j]!, data[j + 1]!, data[j + 2]!, data[j + 3]!);
    }
    this.drawLabels(labelCount, plotLeft);
    if (hovered >= 0) this.drawHovered(hovered, xOf);
    ctx.restore();

    this.drawSteps(ws, we, xOf, plotLeft, plotRight);

    // Gutter: track names and kinds, separators.
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, this.axisHeight, plotLeft, height - this.axisHeight);
    ctx.fillStyle = theme.border;
    ctx.fillRect(0, this.axisHeight - 1, width, 1);
    ctx.fillRect(plotLeft - 1, 0, 1, height);
    for (const t of this.tracks) {
      ctx.fillStyle = theme.border;
      ctx.fillRect(0, t.top + t.height, width, 1);
      ctx.font = this.gutterFont();
      ctx.fillStyle = theme.foreground;
      const y = t.top + TRACK_PADDING + ROW_HEIGHT / 2;
      const label = this.fit(t.name, ctx.measureText(t.name).width, plotLeft - 14);
      if (label) ctx.fillText(label, 8, y);
      if (t.rows > 1) {
        ctx.font = this.labelFont();
        ctx.fillStyle = theme.muted;
        const detail = `${t.kind} · ${(t.end - t.first).toLocaleString('en-US')} spans`;
        const text = this.fit(detail, ctx.measureText(detail).width, plotLeft - 14);
        if (text) ctx.fillText(text, 8, y + ROW_HEIGHT);
      }
    }
    this.frameMs = performance.now() - began;
  }

  /** Sizes the canvas's backing store to its CSS width and the content's height at the device pixel ratio. */
  private resize(): void {
    this.needsResize = false;
    const dpr = window.devicePixelRatio || 1;
    const width = this.canvas.getBoundingClientRect().width;
    if (width === this.cssWidth && dpr === this.dpr) return;
    this.cssWidth = width;
    this.dpr = dpr;
    this.canvas.width = Math.max(1, Math.round(width * dpr));
    this.canvas.height = Math.max(1, Math.round(this.contentHeight * dpr));
    this.canvas.dataset['plotWidth'] = String(this.plotWidth());
  }

  /** Fills the colour buckets with this frame's rectangles; returns how many labels to draw. */
  private collectSpans(ws: number, we: number, pxPerUs: number, plotLeft: number, plotRight: number): number {
    const { start, dur, depth, name } = this.spans;
    const nameColor = this.nameColor;
    const lastColumn = this.lastColumn;
    const buckets = this.buckets;
    lastColumn.fill(-0x7fffffff);
    for (const b of buckets) b.n = 0;
    let labels = 0;
    const rectHeight = ROW_HEIGHT - 2;
    const push = (color: number, x: number, y: number, w: number) => {
      const b = buckets[color]!;
      if (b.n + 4 > b.data.length) {
        const grown = new Float32Array(b.data.length * 2);
        grown.set(b.data);
        b.data = grown;
      }
      const data = b.data;
      data[b.n] = x;
      data[b.n + 1] = y;
      data[b.n + 2] = w;
      data[b.n + 3] = rectHeight;
      b.n += 4;
    };
    const firstColumn = Math.floor(plotLeft);
    for (const t of this.tracks) {
      if (t.first === t.end) continue;
      const rowBase = t.rowBase;
      const top = t.top + TRACK_PADDING + 1;
      for (let i = lowerBound(start, t.first, t.end, ws - t.maxDurUs); i < t.end; i++) {
        const s = start[i]!;
        if (s >= we) break;
        const e = s + dur[i]!;
        if (e < ws) continue;
        let d = depth[i]!;
        if (d > MAX_DRAWN_DEPTH) d = MAX_DRAWN_DEPTH;
        const row = rowBase + d;
        const y = top + d * ROW_HEIGHT;
        let x0 = plotLeft + (s - ws) * pxPerUs;
        const x1 = plotLeft + (e - ws) * pxPerUs;
        if (x1 - x0 < 1) {
          // Sub-pixel: one rectangle per pixel column and row, in the colour of the first span there.
          const column = x0 < plotLeft ? firstColumn : Math.floor(x0);
          if (column <= lastColumn[row]!) continue;
          lastColumn[row] = column;
          push(nameColor[name[i]!]!, column, y, 1);
        } else {
          if (x0 < plotLeft - 1) x0 = plotLeft - 1;
          const right = x1 > plotRight + 1 ? plotRight + 1 : x1;
          const w = right - x0;
          // A 1 px gap keeps neighbours of the same colour apart.
          push(nameColor[name[i]!]!, x0, y, w > 3 ? w - 1 : w);
          const last = Math.ceil(right) - 1;
          if (last > lastColumn[row]!) lastColumn[row] = last;
          if (w >= LABEL_MIN_PX && labels < MAX_LABELS) {
            if (4 * labels + 4 > this.labels.length) {
              const grown = new Float64Array(this.labels.length * 2);
              grown.set(this.labels);
              this.labels = grown;
            }
            const at = 4 * labels++;
            this.labels[at] = i;
            this.labels[at + 1] = x0;
            this.labels[at + 2] = y;
            this.labels[at + 3] = w;
          }
        }
      }
    }
    return labels;
  }

  /** Span names inside spans wide enough, cut with an ellipsis, in the text colour that contrasts best. */
  private drawLabels(count: number, plotLeft: number): void {
    const ctx = this.ctx;
    ctx.font = this.labelFont();
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    const { name } = this.spans;
    for (let j = 0; j < count; j++) {
      const i = this.labels[4 * j]!;
      const x0 = this.labels[4 * j + 1]!;
      const y = this.labels[4 * j + 2]!;
      const w = this.labels[4 * j + 3]!;
      const left = Math.max(x0, plotLeft) + 3;
      const available = x0 + w - 4 - left;
      if (available < 8) continue;
      const nameIndex = name[i]!;
      const text = this.names[nameIndex] ?? '';
      let full = this.nameWidth[nameIndex]!;
      if (full < 0) {
        full = ctx.measureText(text).width;
        this.nameWidth[nameIndex] = full;
      }
      const label = this.fit(text, full, available);
      if (!label) continue;
      ctx.fillStyle = this.theme.onChart[this.nameColor[nameIndex]!]!;
      ctx.fillText(label, left, y + (ROW_HEIGHT - 2) / 2);
    }
  }

  /** `text` cut to `max` px with an ellipsis (in the context's current font); undefined when nothing fits. */
  private fit(text: string, full: number, max: number): string | undefined {
    if (full <= max) return text;
    if (max < this.ellipsisWidth + 6 || text.length < 2) return undefined;
    let n = Math.min(text.length - 1, Math.floor(((max - this.ellipsisWidth) / full) * text.length));
    while (n > 0) {
      const candidate = `${text.slice(0, n)}…`;
      if (this.ctx.measureText(candidate).width <= max) return candidate;
      n -= Math.max(1, Math.ceil(n * 0.1));
    }
    return undefined;
  }

  /** An outline around span `i`, in the focus colour. */
  private drawHovered(i: number, xOf: (us: number) => number): void {
    const t = this.tracks.find((tr) => i >= tr.first && i < tr.end);
    if (!t) return;
    const d = Math.min(this.spans.depth[i]!, MAX_DRAWN_DEPTH);
    const x0 = xOf(this.spans.start[i]!);
    const x1 = Math.max(xOf(this.spans.start[i]! + this.spans.dur[i]!), x0 + 1);
    const ctx = this.ctx;
    ctx.strokeStyle = this.theme.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(x0, t.top + TRACK_PADDING + d * ROW_HEIGHT, x1 - x0 + 1, ROW_HEIGHT);
  }

  /** Step boundaries as thin lines through axis and tracks; step names in the axis's top row. */
  private drawSteps(ws: number, we: number, xOf: (us: number) => number, plotLeft: number, plotRight: number): void {
    if (this.stepsByStart.length === 0) return;
    const ctx = this.ctx;
    const height = this.contentHeight;
    let lo = 0;
    let hi = this.stepsByStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.stepsByStart[mid]!.startUs < ws - this.maxStepUs) lo = mid + 1;
      else hi = mid;
    }
    ctx.font = this.labelFont();
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    let lastLine = -1;
    const line = (x: number) => {
      const column = Math.round(x);
      if (column < plotLeft || column > plotRight || column === lastLine) return;
      lastLine = column;
      ctx.globalAlpha = 0.7;
      ctx.fillStyle = this.theme.muted;
      ctx.fillRect(column, 0, 1, height);
      ctx.globalAlpha = 1;
    };
    for (let k = lo; k < this.stepsByStart.length; k++) {
      const step = this.stepsByStart[k]!;
      if (step.startUs >= we) break;
      if (step.endUs < ws) continue;
      const x0 = xOf(step.startUs);
      const x1 = xOf(step.endUs);
      line(x0);
      line(x1);
      const left = Math.max(x0, plotLeft);
      const right = Math.min(x1, plotRight);
      if (right - left < 24) continue;
      const width = ctx.measureText(step.name).width;
      const text = this.fit(step.name, width, right - left - 8);
      if (!text) continue;
      ctx.fillStyle = this.theme.foreground;
      ctx.fillText(text, (left + right) / 2, STEP_ROW_HEIGHT / 2 + 1);
    }
    ctx.textAlign = 'left';
  }

  private gutterFont(): string {
    return `12px ${this.theme.fontFamily}`;
  }

  private labelFont(): string {
    return `11px ${this.theme.fontFamily}`;
  }
}
