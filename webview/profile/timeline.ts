/**
 * The profile panel's Timeline view: every span of the trace on its track, drawn on one canvas. Spans live in
 * typed arrays sorted by track then start; each frame binary-searches the first span of every track that can be
 * visible, stops at the window's end and coalesces sub-pixel spans to one rectangle per pixel column and row, so
 * hundreds of thousands of spans stay fluid. All times are µs relative to the timeline's origin.
 */
import './timeline.css';
import type { TimelineView } from '../../src/protocol/profileView';
import { el } from '../shared/dom';

/** A step, absolute µs (same clock as TimelineView.originUs + startUs). */
export interface TimelineStep {
  readonly name: string;
  readonly startUs: number;
  readonly durationUs: number;
}

/** What {@link mountTimeline} returns: the view's window and its teardown. */
export interface TimelineHandle {
  /** Shows [startUs, endUs) (relative to the timeline's origin) and redraws. */
  setWindow(startUs: number, endUs: number): void;
  /** The window shown, µs relative to the timeline's origin. */
  getWindow(): { startUs: number; endUs: number };
  /** Shows steps[from..to] inclusive (indices into steps). */
  showSteps(from: number, to: number): void;
  /** Milliseconds the last frame took to draw (for benchmarks and tests). */
  readonly lastFrameMs: number;
  /** Stops observers and timers and removes the view from its container. */
  destroy(): void;
}

/** Height of one nesting level, CSS px. */
const ROW_HEIGHT = 18;
/** Deeper spans are drawn on the row of this depth. */
const MAX_DRAWN_DEPTH = 12;
/** Padding above and below each track's rows. */
const TRACK_PADDING = 2;
const STEP_ROW_HEIGHT = 16;
const TICK_ROW_HEIGHT = 20;
const RIGHT_PADDING = 8;
const GUTTER_MIN = 90;
const GUTTER_MAX = 220;
/** The narrowest window zooming reaches. */
const MIN_WINDOW_US = 0.5;
const ZOOM_FACTOR = 1.5;
const PAN_FRACTION = 0.2;
/** Spans at least this wide (px) get their name drawn inside. */
const LABEL_MIN_PX = 30;
/** At most this many span labels per frame (they are the costly part of a frame). */
const MAX_LABELS = 3000;
/** The accessible table is recomputed this long after the window last changed. */
const TABLE_DELAY_MS = 150;
/** The tick spacing aimed for, px. */
const TICK_SPACING_PX = 100;

const CHART_NAMES = ['blue', 'red', 'yellow', 'orange', 'green', 'purple'] as const;
/** VS Code's Dark Modern chart colours, for a page without the theme's variables. */
const CHART_FALLBACK: Readonly<Record<(typeof CHART_NAMES)[number], string>> = {
  blue: '#3794ff',
  red: '#f14c4c',
  yellow: '#cca700',
  orange: '#d18616',
  green: '#89d185',
  purple: '#b180d7',
};

interface Theme {
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly border: string;
  readonly focus: string;
  readonly chart: readonly string[];
  /** Per chart colour, the text colour (foreground or background) with the better contrast on it. */
  readonly onChart: readonly string[];
  readonly fontFamily: string;
}

interface Track {
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
interface Step {
  readonly name: string;
  readonly startUs: number;
  readonly endUs: number;
}

/** Spans in the order they are drawn (track, then start). */
interface Spans {
  readonly start: Float64Array;
  readonly dur: Float64Array;
  readonly name: Uint32Array;
  readonly depth: Uint32Array;
  readonly count: number;
}

/** A growable list of rectangles of one colour. */
interface RectBucket {
  data: Float32Array;
  n: number;
}

/** The first index in [lo, hi) whose value is >= `value` (values sorted ascending there). */
function lowerBound(values: Float64Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** FNV-1a: a stable hash, so a span name keeps its colour across views and reloads. */
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A number with at most `digits` decimals, trailing zeros dropped. */
function trim(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/** A duration or time in µs as µs, ms or s: `0.35 µs`, `850 µs`, `12.4 ms`, `1.25 s`. */
function formatTimeUs(us: number): string {
  const abs = Math.abs(us);
  if (abs < 1000) return `${trim(us, abs < 10 ? 2 : abs < 100 ? 1 : 0)} µs`;
  if (abs < 1e6) return `${trim(us / 1000, abs < 1e4 ? 3 : abs < 1e5 ? 2 : 1)} ms`;
  return `${trim(us / 1e6, 3)} s`;
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

/** A tick label: the unit follows the tick spacing, with just enough decimals to tell ticks apart. */
function tickLabel(us: number, step: number): string {
  const [scale, unit] = step < 1000 ? [1, 'µs'] : step < 1e6 ? [1000, 'ms'] : [1e6, 's'];
  const decimals = Math.max(0, Math.ceil(-Math.log10(step / scale) - 1e-9));
  return `${(us / scale).toFixed(decimals)} ${unit}`;
}

/** The spans sorted by track then start (copied as is when already sorted, as the protocol promises). */
function sortedSpans(view: TimelineView): { spans: Spans; track: Int32Array } {
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

/** `#rgb`, `#rrggbb` or `rgb(…)` → [r, g, b] (0–255), as the canvas normalizes colours. */
function parseColor(ctx: CanvasRenderingContext2D, color: string): [number, number, number] {
  ctx.fillStyle = '#000000';
  ctx.fillStyle = color;
  const normalized = String(ctx.fillStyle);
  const hex = /^#([0-9a-f]{6})/i.exec(normalized);
  if (hex) {
    const v = parseInt(hex[1]!, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  const rgb = /^rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/.exec(normalized);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : [128, 128, 128];
}

/** WCAG relative luminance. */
function luminance([r, g, b]: [number, number, number]): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** Reads the theme's colours and font from CSS variables (VS Code sets them on the root element). */
function readTheme(from: HTMLElement, ctx: CanvasRenderingContext2D): Theme {
  const style = getComputedStyle(from);
  const variable = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const background = variable('--vscode-editor-background', '#1f1f1f');
  const foreground = variable('--vscode-foreground', '#cccccc');
  const chart = CHART_NAMES.map((name) => variable(`--vscode-charts-${name}`, CHART_FALLBACK[name]));
  const bgLum = luminance(parseColor(ctx, background));
  const fgLum = luminance(parseColor(ctx, foreground));
  const onChart = chart.map((color) => {
    const lum = luminance(parseColor(ctx, color));
    return contrast(lum, fgLum) >= contrast(lum, bgLum) ? foreground : background;
  });
  return {
    background,
    foreground,
    muted: variable('--vscode-descriptionForeground', foreground),
    border: variable('--vscode-panel-border', variable('--vscode-editorWidget-border', 'rgba(128, 128, 128, 0.35)')),
    focus: variable('--vscode-focusBorder', foreground),
    chart,
    onChart,
    fontFamily: style.fontFamily || 'sans-serif',
  };
}

let mounted = 0;

class Timeline implements TimelineHandle {
  private readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly tooltip: HTMLElement;
  private readonly rangeText: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly fromSelect: HTMLSelectElement | undefined;
  private readonly toSelect: HTMLSelectElement | undefined;

  private readonly spans: Spans;
  private readonly names: readonly string[];
  private readonly nameColor: Uint8Array;
  private readonly nameWidth: Float32Array;
  private readonly tracks: readonly Track[];
  private readonly lastColumn: Int32Array;
  private readonly steps: readonly Step[];
  /** Steps sorted by start, for drawing. */
  private readonly stepsByStart: readonly Step[];
  private readonly maxStepUs: number;
  private readonly extent: { readonly startUs: number; readonly endUs: number };
  private readonly axisHeight: number;
  private readonly contentHeight: number;
  private readonly buckets: RectBucket[];
  /** Labels of this frame: span index, x, y, width. */
  private labels = new Float64Array(4 * 256);

  private theme: Theme;
  private gutter = GUTTER_MIN;
  private ellipsisWidth = 0;
  private win = { startUs: Number.NaN, endUs: Number.NaN };
  private cssWidth = 0;
  private dpr = 1;
  private needsResize = true;
  private frame = 0;
  private tableTimer: ReturnType<typeof setTimeout> | undefined;
  private hovered = -1;
  private drag: { x: number; startUs: number; endUs: number; pointerId: number } | undefined;
  private frameMs = 0;
  private destroyed = false;
  private readonly resizeObserver: ResizeObserver;
  private readonly themeObserver: MutationObserver;
  private dprQuery: MediaQueryList | undefined;
  private readonly onDprChange = () => {
    this.watchDpr();
    this.needsResize = true;
    this.requestDraw();
  };

  constructor(
    private readonly container: HTMLElement,
    view: TimelineView,
    stepList: readonly TimelineStep[],
  ) {
    const id = ++mounted;
    const { spans, track } = sortedSpans(view);
    this.spans = spans;
    this.names = view.names;

    this.root = el('div', 'timeline');
    this.canvas = el('canvas', 'timeline-canvas');
    const ctx = this.canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('The timeline needs a 2D canvas.');
    this.ctx = ctx;
    this.theme = readTheme(container, ctx);

    // Tracks: their span ranges, the longest span (for the search back from the window's start) and rows.
    const trackList: Track[] = [];
    this.steps = stepList.map((s) => ({
      name: s.name || 'step',
      startUs: s.startUs - view.originUs,
      endUs: s.startUs - view.originUs + Math.max(0, s.durationUs),
    }));
    this.stepsByStart = [...this.steps].sort((a, b) => a.startUs - b.startUs);
    this.maxStepUs = this.steps.reduce((m, s) => Math.max(m, s.endUs - s.startUs), 0);
    this.axisHeight = (this.steps.length > 0 ? STEP_ROW_HEIGHT : 0) + TICK_ROW_HEIGHT;
    let top = this.axisHeight;
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
      trackList.push({ name, kind, first, end: cursor, maxDurUs, rows, rowBase, top, height });
      top += height;
      rowBase += rows;
    }
    this.tracks = trackList;
    this.lastColumn = new Int32Array(Math.max(1, rowBase));
    this.contentHeight = top + 1;

    let minUs = 0;
    let maxUs = 0;
    for (const t of trackList) {
      for (let i = t.first; i < t.end; i++) {
        const s = spans.start[i]!;
        if (s < minUs) minUs = s;
        if (s + spans.dur[i]! > maxUs) maxUs = s + spans.dur[i]!;
      }
    }
    for (const s of this.steps) {
      minUs = Math.min(minUs, s.startUs);
      maxUs = Math.max(maxUs, s.endUs);
    }
    this.extent = { startUs: minUs, endUs: maxUs > minUs ? maxUs : minUs + 1000 };

    this.nameColor = new Uint8Array(view.names.length);
    view.names.forEach((name, i) => (this.nameColor[i] = hashName(name) % CHART_NAMES.length));
    this.nameWidth = new Float32Array(view.names.length).fill(-1);
    this.buckets = CHART_NAMES.map(() => ({ data: new Float32Array(4 * 1024), n: 0 }));

    // DOM: toolbar, note, canvas, tooltip, accessible table.
    const toolbar = el('div', 'timeline-toolbar');
    if (this.steps.length > 0) {
      this.fromSelect = this.stepSelect(`timeline-${id}-from`);
      this.toSelect = this.stepSelect(`timeline-${id}-to`);
      const fromLabel = el('label', undefined, 'From step');
      fromLabel.htmlFor = this.fromSelect.id;
      const toLabel = el('label', undefined, 'to step');
      toLabel.htmlFor = this.toSelect.id;
      toolbar.append(fromLabel, this.fromSelect, toLabel, this.toSelect);
      this.fromSelect.addEventListener('change', () => this.onSelect('from'));
      this.toSelect.addEventListener('change', () => this.onSelect('to'));
    }
    const button = (label: string, action: () => void) => {
      const b = el('button', 'timeline-button', label);
      b.type = 'button';
      b.addEventListener('click', action);
      return b;
    };
    this.rangeText = el('span', 'timeline-range muted');
    // The panel's root is a polite live region: only the window's range is announced, not the table's updates.
    this.root.setAttribute('aria-live', 'off');
    this.rangeText.setAttribute('aria-live', 'polite');
    toolbar.append(
      button('Zoom in', () => this.zoom(1 / ZOOM_FACTOR)),
      button('Zoom out', () => this.zoom(ZOOM_FACTOR)),
      button('Reset', () => this.reset()),
      this.rangeText,
    );
    this.root.append(toolbar);

    if (view.omitted > 0) {
      const shown = spans.count.toLocaleString('en-US');
      this.root.append(
        el(
          'p',
          'timeline-note muted',
          `${view.omitted.toLocaleString('en-US')} more spans of this trace are not shown: so that it stays fluid, ` +
            `the timeline keeps only whole steps, from the first, up to a cap on spans (${shown} spans shown).`,
        ),
      );
    }

    const stage = el('div', 'timeline-stage');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.style.height = `${this.contentHeight}px`;
    this.tooltip = el('div', 'timeline-tooltip');
    this.tooltip.hidden = true;
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.id = `timeline-${id}-tooltip`;
    stage.append(this.canvas, this.tooltip);

    const table = el('table', 'sr-only timeline-table');
    const caption = el('caption', undefined, 'Timeline tracks');
    const head = el('tr');
    for (const title of ['Track', 'Kind', 'Spans in view', 'Busy time in view']) {
      const th = el('th', undefined, title);
      th.scope = 'col';
      head.append(th);
    }
    const thead = el('thead');
    thead.append(head);
    this.tableBody = el('tbody');
    for (const t of trackList) {
      const row = el('tr');
      const th = el('th', undefined, t.name);
      th.scope = 'row';
      row.append(th, el('td', undefined, t.kind), el('td'), el('td'));
      this.tableBody.append(row);
    }
    table.append(caption, thead, this.tableBody);
    this.root.append(stage, table);
    container.append(this.root);

    this.measureGutter();
    this.bindEvents();
    this.resizeObserver = new ResizeObserver(() => {
      // Sized in the next frame, not here: changing layout inside the callback would loop.
      this.needsResize = true;
      this.requestDraw();
    });
    this.resizeObserver.observe(container);
    // VS Code swaps the theme by rewriting the root's style and the body's class.
    this.themeObserver = new MutationObserver(() => this.onThemeChange());
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    if (document.body) this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.watchDpr();

    if (this.steps.length > 0) this.showSteps(0, Math.min(2, this.steps.length - 1));
    else this.setWindow(this.extent.startUs, this.extent.endUs);
    this.updateTable();
  }

  get lastFrameMs(): number {
    return this.frameMs;
  }

  getWindow(): { startUs: number; endUs: number } {
    return { startUs: this.win.startUs, endUs: this.win.endUs };
  }

  setWindow(startUs: number, endUs: number): void {
    if (!Number.isFinite(startUs) || !Number.isFinite(endUs)) return;
    if (endUs < startUs) [startUs, endUs] = [endUs, startUs];
    const { startUs: lo, endUs: hi } = this.extent;
    const width = Math.min(Math.max(endUs - startUs, MIN_WINDOW_US), Math.max(hi - lo, MIN_WINDOW_US));
    const center = (startUs + endUs) / 2;
    let start = endUs - startUs < MIN_WINDOW_US ? center - width / 2 : startUs;
    if (start + width > hi) start = hi - width;
    if (start < lo) start = lo;
    const end = start + width;
    if (start === this.win.startUs && end === this.win.endUs) return;
    this.win = { startUs: start, endUs: end };
    this.onWindowChange();
  }

  showSteps(from: number, to: number): void {
    const n = this.steps.length;
    if (n === 0) {
      this.setWindow(this.extent.startUs, this.extent.endUs);
      return;
    }
    const clamp = (i: number) => Math.min(n - 1, Math.max(0, Math.trunc(Number.isFinite(i) ? i : 0)));
    let a = clamp(from);
    let b = clamp(to);
    if (a > b) [a, b] = [b, a];
    if (this.fromSelect && this.toSelect) {
      this.fromSelect.value = String(a);
      this.toSelect.value = String(b);
    }
    let start = Infinity;
    let end = -Infinity;
    for (let i = a; i <= b; i++) {
      start = Math.min(start, this.steps[i]!.startUs);
      end = Math.max(end, this.steps[i]!.endUs);
    }
    this.setWindow(start, end);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.tableTimer !== undefined) clearTimeout(this.tableTimer);
    this.resizeObserver.disconnect();
    this.themeObserver.disconnect();
    this.dprQuery?.removeEventListener('change', this.onDprChange);
    this.root.remove();
  }

  // ---- controls ----

  private stepSelect(id: string): HTMLSelectElement {
    const select = el('select', 'timeline-step');
    select.id = id;
    this.steps.forEach((step, i) => {
      const option = el('option', undefined, `${i + 1}: ${step.name}`);
      option.value = String(i);
      select.append(option);
    });
    return select;
  }

  private onSelect(changed: 'from' | 'to'): void {
    if (!this.fromSelect || !this.toSelect) return;
    let from = Number(this.fromSelect.value);
    let to = Number(this.toSelect.value);
    if (from > to) {
      if (changed === 'from') to = from;
      else from = to;
    }
    this.showSteps(from, to);
  }

  /** Back to the chosen step range (the first up to 3 steps at first), or the whole trace without steps. */
  private reset(): void {
    if (this.fromSelect && this.toSelect) this.showSteps(Number(this.fromSelect.value), Number(this.toSelect.value));
    else this.setWindow(this.extent.startUs, this.extent.endUs);
  }

  /** Scales the window by `factor` (< 1 zooms in) keeping the time at `anchor` (0–1 of the plot) in place. */
  private zoom(factor: number, anchor = 0.5): void {
    const { startUs, endUs } = this.win;
    const at = startUs + (endUs - startUs) * anchor;
    const width = Math.max((endUs - startUs) * factor, MIN_WINDOW_US);
    this.setWindow(at - width * anchor, at - width * anchor + width);
  }

  private pan(fraction: number): void {
    const shift = (this.win.endUs - this.win.startUs) * fraction;
    this.setWindow(this.win.startUs + shift, this.win.endUs + shift);
  }

  private plotWidth(): number {
    return Math.max(1, this.cssWidth - this.gutter - RIGHT_PADDING);
  }

  private bindEvents(): void {
    const canvas = this.canvas;
    canvas.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const scale = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1;
        const dx = event.deltaX * scale;
        const dy = event.deltaY * scale;
        if (Math.abs(dx) > Math.abs(dy) || event.shiftKey) {
          this.pan((Math.abs(dx) > Math.abs(dy) ? dx : dy) / this.plotWidth());
        } else {
          const x = event.clientX - canvas.getBoundingClientRect().left;
          const anchor = Math.min(1, Math.max(0, (x - this.gutter) / this.plotWidth()));
          this.zoom(Math.exp(Math.max(-300, Math.min(300, dy)) * 0.002), anchor);
        }
      },
      { passive: false },
    );
    canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      event.preventDefault(); // no text selection while dragging
      canvas.focus();
      canvas.setPointerCapture(event.pointerId);
      canvas.classList.add('dragging');
      this.drag = { x: event.clientX, pointerId: event.pointerId, ...this.win };
      this.hideTooltip();
    });
    const endDrag = (event: PointerEvent) => {
      if (!this.drag || this.drag.pointerId !== event.pointerId) return;
      this.drag = undefined;
      canvas.classList.remove('dragging');
      if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    };
    canvas.addEventListener('pointerup', endDrag);
    canvas.addEventListener('pointercancel', endDrag);
    canvas.addEventListener('pointermove', (event) => {
      if (this.drag) {
        const usPerPx = (this.drag.endUs - this.drag.startUs) / this.plotWidth();
        const shift = -(event.clientX - this.drag.x) * usPerPx;
        this.setWindow(this.drag.startUs + shift, this.drag.endUs + shift);
        return;
      }
      this.hover(event);
    });
    canvas.addEventListener('pointerleave', () => {
      if (!this.drag) this.hideTooltip();
    });
    canvas.addEventListener('keydown', (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      switch (event.key) {
        case '+':
        case '=':
          this.zoom(1 / ZOOM_FACTOR);
          break;
        case '-':
        case '_':
          this.zoom(ZOOM_FACTOR);
          break;
        case 'ArrowLeft':
          this.pan(-PAN_FRACTION);
          break;
        case 'ArrowRight':
          this.pan(PAN_FRACTION);
          break;
        case '0':
          this.reset();
          break;
        default:
          return;
      }
      event.preventDefault();
    });
  }

  private watchDpr(): void {
    this.dprQuery?.removeEventListener('change', this.onDprChange);
    if (typeof matchMedia !== 'function') return;
    this.dprQuery = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    this.dprQuery.addEventListener('change', this.onDprChange);
  }

  private onThemeChange(): void {
    this.theme = readTheme(this.container, this.ctx);
    this.nameWidth.fill(-1);
    this.measureGutter();
    this.requestDraw();
  }

  private measureGutter(): void {
    const ctx = this.ctx;
    ctx.font = this.gutterFont();
    let widest = 0;
    for (const t of this.tracks) widest = Math.max(widest, ctx.measureText(t.name).width);
    this.gutter = Math.round(Math.min(GUTTER_MAX, Math.max(GUTTER_MIN, widest + 20)));
    ctx.font = this.labelFont();
    this.ellipsisWidth = ctx.measureText('…').width;
    this.canvas.dataset['plotLeft'] = String(this.gutter);
  }

  private gutterFont(): string {
    return `12px ${this.theme.fontFamily}`;
  }

  private labelFont(): string {
    return `11px ${this.theme.fontFamily}`;
  }

  // ---- hover ----

  /** The span under (x, y) in canvas CSS px, within 2 px horizontally; -1 when none. */
  private spanAt(x: number, y: number): { index: number; track: Track } | undefined {
    const t = this.tracks.find((tr) => y >= tr.top && y < tr.top + tr.height);
    if (!t || x < this.gutter || x > this.cssWidth - RIGHT_PADDING) return undefined;
    const row = Math.floor((y - t.top - TRACK_PADDING) / ROW_HEIGHT);
    if (row < 0 || row >= t.rows) return undefined;
    const { startUs: ws, endUs: we } = this.win;
    const usPerPx = (we - ws) / this.plotWidth();
    const at = ws + (x - this.gutter) * usPerPx;
    const tolerance = 2 * usPerPx;
    const { start, dur, depth } = this.spans;
    let best = -1;
    let bestDistance = Infinity;
    for (let i = lowerBound(start, t.first, t.end, at - tolerance - t.maxDurUs); i < t.end; i++) {
      const s = start[i]!;
      if (s > at + tolerance) break;
      if (Math.min(depth[i]!, MAX_DRAWN_DEPTH) !== row) continue;
      const e = s + dur[i]!;
      if (e < at - tolerance) continue;
      const distance = at < s ? s - at : at > e ? at - e : 0;
      if (distance <= bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    return best >= 0 ? { index: best, track: t } : undefined;
  }

  private hover(event: PointerEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const hit = this.spanAt(x, y);
    if (!hit) {
      this.hideTooltip();
      return;
    }
    const { index, track } = hit;
    if (index !== this.hovered) {
      this.hovered = index;
      const { start, dur, depth, name } = this.spans;
      this.tooltip.replaceChildren(
        el('div', 'timeline-tooltip-name', this.names[name[index]!] ?? '?'),
        el('div', undefined, `Track: ${track.name}`),
        el('div', undefined, `Start: ${formatTimeUs(start[index]!)}`),
        el('div', undefined, `Duration: ${formatTimeUs(dur[index]!)}`),
        el('div', undefined, `Depth: ${depth[index]!}`),
      );
      this.tooltip.hidden = false;
      this.canvas.setAttribute('aria-describedby', this.tooltip.id);
      this.requestDraw();
    }
    // Beside the pointer, flipped to stay inside the stage.
    const stageWidth = this.canvas.clientWidth;
    const width = this.tooltip.offsetWidth;
    let left = this.canvas.offsetLeft + x + 14;
    if (left + width > this.canvas.offsetLeft + stageWidth) left = Math.max(0, this.canvas.offsetLeft + x - width - 14);
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${this.canvas.offsetTop + y + 14}px`;
  }

  private hideTooltip(): void {
    if (this.tooltip.hidden && this.hovered < 0) return;
    this.tooltip.hidden = true;
    this.canvas.removeAttribute('aria-describedby');
    if (this.hovered >= 0) {
      this.hovered = -1;
      this.requestDraw();
    }
  }

  // ---- window changes ----

  private onWindowChange(): void {
    const { startUs, endUs } = this.win;
    const range = `${formatTimeUs(startUs)} to ${formatTimeUs(endUs)}`;
    this.rangeText.textContent = `${range} (${formatTimeUs(endUs - startUs)})`;
    this.canvas.setAttribute(
      'aria-label',
      `Timeline of ${this.tracks.length} tracks and ${this.spans.count.toLocaleString('en-US')} spans, showing ` +
        `${range}. The table below lists each track's spans and busy time in this window.`,
    );
    if (this.hovered >= 0) this.hideTooltip();
    this.requestDraw();
    if (this.tableTimer !== undefined) clearTimeout(this.tableTimer);
    this.tableTimer = setTimeout(() => {
      this.tableTimer = undefined;
      this.updateTable();
    }, TABLE_DELAY_MS);
  }

  /** Each track's spans that overlap the window and the time covered by at least one of them. */
  private updateTable(): void {
    const { startUs: ws, endUs: we } = this.win;
    const { start, dur } = this.spans;
    this.tracks.forEach((t, k) => {
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
      const cells = this.tableBody.rows[k]?.cells;
      if (!cells) return;
      cells[2]!.textContent = count.toLocaleString('en-US');
      cells[3]!.textContent = `${formatTimeUs(busy)} (${trim((busy / (we - ws)) * 100, 1)}%)`;
    });
  }

  // ---- drawing ----

  private requestDraw(): void {
    if (this.frame || this.destroyed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

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

  private draw(): void {
    if (this.needsResize) this.resize();
    if (this.cssWidth <= 0 || this.destroyed) return;
    const began = performance.now();
    const ctx = this.ctx;
    const theme = this.theme;
    const width = this.cssWidth;
    const height = this.contentHeight;
    const plotLeft = this.gutter;
    const plotWidth = this.plotWidth();
    const plotRight = plotLeft + plotWidth;
    const { startUs: ws, endUs: we } = this.win;
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
    if (this.hovered >= 0) this.drawHovered(xOf);
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

  private drawHovered(xOf: (us: number) => number): void {
    const i = this.hovered;
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
}

/**
 * Mounts the Timeline view into `container`: a toolbar (step range, zoom, reset), one canvas drawing every track's
 * spans, a hover tooltip and a visually hidden table of the tracks for screen readers. The window starts at the first
 * up to 3 steps, or the whole trace without steps.
 */
export function mountTimeline(
  container: HTMLElement,
  timeline: TimelineView,
  steps: readonly TimelineStep[],
): TimelineHandle {
  return new Timeline(container, timeline, steps);
}
