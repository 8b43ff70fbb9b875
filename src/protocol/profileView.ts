/**
 * What the profile panel and the standalone HTML report draw: a profile's analysis plus the series behind its
 * charts (steps, operator tables, timeline spans, memory curve). Built by `src/analysis/view.ts`; types only, so
 * the webview bundle imports it. Numbers are plain arrays so the same object travels through `postMessage` and
 * as JSON embedded in a report file.
 */
import type { AnalysisReport } from './analysis';
import type { DistributedReport } from './distributed';
import type { ProfileDiff } from './profileDiff';

/** An operator or kernel with all its statistics (the Operators view's table). */
export interface OpStat {
  readonly name: string;
  readonly calls: number;
  readonly totalUs: number;
  readonly meanUs: number;
  readonly maxUs: number;
  /** Share of the analysed steps' time (total / sum of step durations), in %. */
  readonly percentOfSteps: number;
}

/** The spans to draw, relative to `originUs`, sorted by track then start. */
export interface TimelineView {
  readonly originUs: number;
  readonly tracks: ReadonlyArray<{ readonly name: string; readonly kind: string; readonly depth: number }>;
  readonly names: readonly string[];
  readonly track: readonly number[];
  readonly name: readonly number[];
  readonly startUs: readonly number[];
  readonly durUs: readonly number[];
  readonly depth: readonly number[];
  /** Spans in the trace that are not in this view (over the span cap), so the view can say so. */
  readonly omitted: number;
}

/** One line of the memory chart. */
export interface MemorySeries {
  /** `allocated`, `reserved`, `tensors`, `rss`, `gpu`. */
  readonly id: string;
  readonly label: string;
  readonly bytes: readonly number[];
}

/** The memory timeline: shared times (µs from `originUs`) and one or more series. */
export interface MemoryView {
  readonly originUs: number;
  readonly tUs: readonly number[];
  readonly series: readonly MemorySeries[];
  /** The peak of the first series. */
  readonly peak: { readonly tUs: number; readonly bytes: number };
  /** What the peak is compared with, when known: the device's memory or the run's limit. */
  readonly capacity?: { readonly label: string; readonly bytes: number };
  /** What was live at the peak, by category (bytes), where the source has it. */
  readonly byCategoryAtPeak?: Readonly<Record<string, number>>;
}

/** Everything the profile panel shows. */
export interface ProfileView {
  readonly kind: 'profile';
  /** The file or run the profile came from, for the title. */
  readonly title: string;
  readonly report: AnalysisReport;
  /** Step-time categories, in the order of `steps[].breakdownUs`. */
  readonly categories: readonly string[];
  readonly steps: ReadonlyArray<{
    readonly name: string;
    readonly startUs: number;
    readonly durationUs: number;
    readonly breakdownUs: readonly number[];
  }>;
  readonly kernels: readonly OpStat[];
  readonly operators: readonly OpStat[];
  readonly timeline?: TimelineView;
  readonly memory?: MemoryView;
  /** The peak against capacity, without the curves (what the Overview shows, so it never needs the curves). */
  readonly memorySummary?: {
    readonly peakBytes: number;
    readonly peakRssBytes?: number;
    readonly capacity?: { readonly label: string; readonly bytes: number };
  };
  /** Samples per second, for TrainLens runs. */
  readonly samplesPerSec?: number;
  /** Facts about where it ran: backend, devices, versions. Label → value. */
  readonly environment: ReadonlyArray<readonly [string, string]>;
  /** The config file the findings' fixes edit (TrainLens runs), when known. */
  readonly configPath?: string;
  /**
   * The job this profile is one rank of (a trace folder of several ranks): the Distributed view compares the ranks;
   * the other views show this one.
   */
  readonly distributed?: DistributedReport;
}

/** What the compare view shows: the two profiles' titles and their diff. */
export interface CompareView {
  readonly kind: 'compare';
  readonly before: { readonly title: string; readonly report: AnalysisReport };
  readonly after: { readonly title: string; readonly report: AnalysisReport };
  readonly diff: ProfileDiff;
}
