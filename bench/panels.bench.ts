/// <reference lib="dom" />
/**
 * Benchmark: the profile views in headless Chromium with a large profile: a 1,000,000-sample memory timeline and
 * 200,000 timeline spans, in the standalone HTML report (the same bundle as the panel). Measures, in one page:
 *
 * - first paint of the report (navigation start → the Overview rendered and painted);
 * - first paint of the Memory view (chart.js with min/max decimation) and of the Timeline view (canvas);
 * - a zoom frame in each;
 * - the same memory chart without decimation (chart.js drawing every point), side by side on the same data.
 *
 *   npm run bench:panels
 *
 * Targets (issue: webview panels): first paint ≤ 1 s, zoom frame ≤ 50 ms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildProfileView } from '../src/analysis/view';
import { readProfileBundle, renderReportHtml } from '../src/cli/htmlReport';
import { launchBrowser } from '../test/support/browser';
import { largeProfile, SPANS } from './support/largeProfile';

interface Timings {
  overview: number;
  memory: number;
  memoryZoom: number;
  timeline: number;
  timelineZoom: number;
  plainFirstPaint: number;
  plainZoom: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trainlens-bench-panels-'));
  const file = join(dir, 'large.html');
  const view = buildProfileView(largeProfile(), { maxSpans: SPANS });
  const html = renderReportHtml(view, readProfileBundle(join(__dirname, '..', 'dist')));
  writeFileSync(file, html);
  process.stdout.write(
    `report: ${(Buffer.byteLength(html) / 1024 / 1024).toFixed(1)} MB, ${view.memory!.tUs.length.toLocaleString('en-US')} memory samples × ${view.memory!.series.length} series, ${view.timeline!.startUs.length.toLocaleString('en-US')} spans\n`,
  );
  const browser = await launchBrowser();
  const runs: Timings[] = [];
  try {
    for (let run = 0; run < 3; run++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      // tsx names the functions it compiles with a helper the page does not have.
      await page.addInitScript('window.__name = (f) => f;');
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(
        () => 'overview' in (window as unknown as { trainlens: { rendered: object } }).trainlens.rendered,
      );
      const timings = await page.evaluate(async () => {
        type Hooks = {
          rendered: Record<string, number>;
          show(tab: string): void;
          memory: { chart: { constructor: unknown; config: unknown }; zoom(a: number, b: number): void };
          timeline: {
            setWindow(a: number, b: number): void;
            getWindow(): { startUs: number; endUs: number };
            lastFrameMs: number;
          };
        };
        const hooks = (window as unknown as { trainlens: Hooks }).trainlens;
        const paint = () =>
          new Promise<number>((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now()), 0)));
        const overview = (await paint()) - 0; // performance.now() counts from navigation start
        let t = performance.now();
        hooks.show('memory');
        const memory = (await paint()) - t;
        t = performance.now();
        hooks.memory.zoom(20, 60);
        const memoryZoom = (await paint()) - t;
        t = performance.now();
        hooks.show('timeline');
        const timeline = (await paint()) - t;
        const w = hooks.timeline.getWindow();
        t = performance.now();
        hooks.timeline.setWindow(w.startUs + (w.endUs - w.startUs) * 0.25, w.endUs - (w.endUs - w.startUs) * 0.25);
        await paint();
        const timelineZoom = Math.max(performance.now() - t, hooks.timeline.lastFrameMs);
        // The baseline: the same datasets in a chart.js line chart without decimation (every point drawn).
        const ChartClass = hooks.memory.chart.constructor as new (
          c: HTMLCanvasElement,
          config: unknown,
        ) => {
          options: { scales: { x: { min: number; max: number } } };
          update(mode: string): void;
          destroy(): void;
        };
        // The decimation plugin keeps each dataset's full data in `_data` and draws from a reduced `data`.
        const source = hooks.memory.chart as unknown as {
          data: { datasets: Array<{ label: string; data: unknown[]; _data?: unknown[] }> };
        };
        const box = document.createElement('div');
        box.style.width = '1200px';
        box.style.height = '320px';
        box.style.position = 'relative';
        document.body.append(box);
        const canvas = document.createElement('canvas');
        box.append(canvas);
        t = performance.now();
        const plain = new ChartClass(canvas, {
          type: 'line',
          data: {
            datasets: source.data.datasets
              .map((d) => ({ label: d.label, data: d._data ?? d.data }))
              .filter((d) => d.data.length > 2)
              .map((d) => ({ ...d, pointRadius: 0, borderWidth: 1.5, stepped: true })),
          },
          options: {
            parsing: false,
            normalized: true,
            animation: false,
            maintainAspectRatio: false,
            scales: { x: { type: 'linear' } },
            plugins: { decimation: { enabled: false } },
          },
        });
        const plainFirstPaint = (await paint()) - t;
        t = performance.now();
        plain.options.scales.x.min = 20;
        plain.options.scales.x.max = 60;
        plain.update('none');
        const plainZoom = (await paint()) - t;
        plain.destroy();
        return { overview, memory, memoryZoom, timeline, timelineZoom, plainFirstPaint, plainZoom };
      });
      runs.push(timings);
      await page.close();
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const best = (key: keyof Timings) => Math.min(...runs.map((r) => r[key]));
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const lines = [
    `first paint, report with the Overview: ${ms(best('overview'))} (target ≤ 1000 ms)`,
    `Memory view first paint (min/max decimation): ${ms(best('memory'))} (target ≤ 1000 ms)`,
    `Memory zoom frame: ${ms(best('memoryZoom'))} (target ≤ 50 ms)`,
    `Timeline view first paint (canvas, ${SPANS.toLocaleString('en-US')} spans): ${ms(best('timeline'))} (target ≤ 1000 ms)`,
    `Timeline zoom frame: ${ms(best('timelineZoom'))} (target ≤ 50 ms)`,
    `chart.js without decimation, same data: first paint ${ms(best('plainFirstPaint'))}, zoom ${ms(best('plainZoom'))}`,
    `ratio without / with decimation: first paint ${(best('plainFirstPaint') / best('memory')).toFixed(1)}×, zoom ${(best('plainZoom') / best('memoryZoom')).toFixed(1)}×`,
  ];
  process.stdout.write(`${lines.join('\n')}\n(best of ${runs.length} page loads)\n`);
}

void main();
