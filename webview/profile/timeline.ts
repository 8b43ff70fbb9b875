/**
 * The profile panel's Timeline view: every span of the trace on its track, drawn on one canvas, with a toolbar (step
 * range, zoom, reset), a hover tooltip and an accessible table. This module holds the view's DOM, window, controls
 * and interaction; timelineData.ts prepares the spans and tracks, timelineDraw.ts paints the frames and
 * timelineTheme.ts reads the colours. All times are µs relative to the timeline's origin.
 */
import './timeline.css';
import type { TimelineView } from '../../src/protocol/profileView';
import { el } from '../shared/dom';
import {
  type Spans,
  type Step,
  type Track,
  RIGHT_PADDING,
  ROW_HEIGHT,
  TRACK_PADDING,
  formatTimeUs,
  layoutTracks,
  nearestSpan,
  sortedSpans,
  timeExtent,
  trim,
  windowStats,
} from './timelineData';
import { TimelineRenderer } from './timelineDraw';

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

/** The narrowest window zooming reaches. */
const MIN_WINDOW_US = 0.5;
const ZOOM_FACTOR = 1.5;
const PAN_FRACTION = 0.2;
/** The accessible table is recomputed this long after the window last changed. */
const TABLE_DELAY_MS = 150;

let mounted = 0;

class Timeline implements TimelineHandle {
  private readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly renderer: TimelineRenderer;
  private readonly tooltip: HTMLElement;
  private readonly rangeText: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly fromSelect: HTMLSelectElement | undefined;
  private readonly toSelect: HTMLSelectElement | undefined;

  private readonly spans: Spans;
  private readonly names: readonly string[];
  private readonly tracks: readonly Track[];
  private readonly steps: readonly Step[];
  private readonly extent: { readonly startUs: number; readonly endUs: number };

  private win = { startUs: Number.NaN, endUs: Number.NaN };
  private frame = 0;
  private tableTimer: ReturnType<typeof setTimeout> | undefined;
  private hovered = -1;
  private drag: { x: number; startUs: number; endUs: number; pointerId: number } | undefined;
  private destroyed = false;
  private readonly resizeObserver: ResizeObserver;
  private readonly themeObserver: MutationObserver;
  private dprQuery: MediaQueryList | undefined;
  private readonly onDprChange = () => {
    this.watchDpr();
    this.renderer.invalidateSize();
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
    this.steps = stepList.map((s) => ({
      name: s.name || 'step',
      startUs: s.startUs - view.originUs,
      endUs: s.startUs - view.originUs + Math.max(0, s.durationUs),
    }));
    const layout = layoutTracks(view, spans, track, this.steps.length > 0);
    this.tracks = layout.tracks;
    this.extent = timeExtent(spans, layout.tracks, this.steps);
    this.renderer = new TimelineRenderer(this.canvas, container, {
      spans,
      names: view.names,
      layout,
      steps: this.steps,
    });

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
    this.canvas.style.height = `${layout.contentHeight}px`;
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
    for (const t of this.tracks) {
      const row = el('tr');
      const th = el('th', undefined, t.name);
      th.scope = 'row';
      row.append(th, el('td', undefined, t.kind), el('td'), el('td'));
      this.tableBody.append(row);
    }
    table.append(caption, thead, this.tableBody);
    this.root.append(stage, table);
    container.append(this.root);

    this.renderer.measureGutter();
    this.bindEvents();
    this.resizeObserver = new ResizeObserver(() => {
      // Sized in the next frame, not here: changing layout inside the callback would loop.
      this.renderer.invalidateSize();
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
    return this.renderer.lastFrameMs;
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
          this.pan((Math.abs(dx) > Math.abs(dy) ? dx : dy) / this.renderer.plotWidth());
        } else {
          const x = event.clientX - canvas.getBoundingClientRect().left;
          const anchor = Math.min(1, Math.max(0, (x - this.renderer.plotLeft) / this.renderer.plotWidth()));
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
        const usPerPx = (this.drag.endUs - this.drag.startUs) / this.renderer.plotWidth();
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
    this.renderer.updateTheme();
    this.requestDraw();
  }

  // ---- hover ----

  /** The span under (x, y) in canvas CSS px, within 2 px horizontally; undefined when none. */
  private spanAt(x: number, y: number): { index: number; track: Track } | undefined {
    const t = this.tracks.find((tr) => y >= tr.top && y < tr.top + tr.height);
    const plotLeft = this.renderer.plotLeft;
    if (!t || x < plotLeft || x > this.renderer.width - RIGHT_PADDING) return undefined;
    const row = Math.floor((y - t.top - TRACK_PADDING) / ROW_HEIGHT);
    if (row < 0 || row >= t.rows) return undefined;
    const { startUs: ws, endUs: we } = this.win;
    const usPerPx = (we - ws) / this.renderer.plotWidth();
    const index = nearestSpan(this.spans, t, row, ws + (x - plotLeft) * usPerPx, 2 * usPerPx);
    return index >= 0 ? { index, track: t } : undefined;
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
    this.tracks.forEach((t, k) => {
      const { count, busyUs } = windowStats(this.spans, t, ws, we);
      const cells = this.tableBody.rows[k]?.cells;
      if (!cells) return;
      cells[2]!.textContent = count.toLocaleString('en-US');
      cells[3]!.textContent = `${formatTimeUs(busyUs)} (${trim((busyUs / (we - ws)) * 100, 1)}%)`;
    });
  }

  // ---- drawing ----

  private requestDraw(): void {
    if (this.frame || this.destroyed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.destroyed) this.renderer.draw(this.win, this.hovered);
    });
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
