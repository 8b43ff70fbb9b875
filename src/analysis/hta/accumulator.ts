/**
 * Holistic Trace Analysis's (HTA 0.6.1) temporal breakdown, idle time breakdown and kernel launch statistics, fed
 * one trace event at a time by the Kineto builder. Storage stays bounded by the GPU events and the correlated runtime
 * calls: a few numbers each in typed columns, no per-event objects; the kernel-name cache holds one entry per name.
 *
 * Reading the trace as HTA does: events need a category (not `Trace`) and a numeric `dur`; times are rounded as HTA
 * rounds nanosecond-resolution traces (start up to the next µs, end down); GPU events are those of a GPU category
 * with a stream; and when the trace has two or more `ProfilerStep#N`, the last step is left out: CPU-side events
 * that start at or after the last step's start, and the GPU events whose correlated call is not kept.
 */
import type { HtaAnalysis } from '../../protocol/analysis';
import { temporalBreakdown, idleBreakdown } from './breakdown';
import { correlationOf, GPU_CATEGORIES, kernelKind, LAUNCH_NAMES, PROFILER_STEP, streamOf } from './classify';
import { ByteColumn, type Column, IntColumn, TimeColumns } from './columns';
import { correlate } from './correlate';
import { launchStats } from './launches';

/**
 * GPU events as columns: rounded start and end (offsets from a base shared with {@link CpuColumns}, so only their
 * differences and comparisons mean anything), stream, correlation id, kind plus the idle-category flag.
 */
export interface GpuColumns {
  readonly start: Column;
  readonly end: Column;
  readonly stream: Column;
  readonly correlation: Column;
  readonly flags: Column;
}

/** CPU-side events that carry a correlation id: rounded start and end (as in GpuColumns), the id, 1 for a launch. */
export interface CpuColumns {
  readonly start: Column;
  readonly end: Column;
  readonly correlation: Column;
  readonly launch: Column;
}

/** Accumulates one trace's events for {@link HtaAccumulator.build}. */
export class HtaAccumulator {
  private readonly times = new TimeColumns();
  private readonly gpuStart = this.times.column();
  private readonly gpuEnd = this.times.column();
  private readonly gpuStream = new IntColumn();
  private readonly gpuCorrelation = new IntColumn();
  private readonly gpuFlags = new ByteColumn();
  private readonly cpuStart = this.times.column();
  private readonly cpuEnd = this.times.column();
  private readonly cpuCorrelation = new IntColumn();
  private readonly cpuLaunch = new ByteColumn();
  private readonly kinds = new Map<string, number>();
  private readonly stepNames = new Set<string>();
  private lastStepStart = -Infinity;
  private cpuMin = Infinity;

  /** Takes one complete (`ph: "X"`) trace event. */
  add(event: Record<string, unknown>): void {
    const cat = event['cat'];
    const ts = event['ts'];
    const dur = event['dur'];
    if (typeof cat !== 'string' || cat === 'Trace' || typeof ts !== 'number' || typeof dur !== 'number') return;
    if (!Number.isFinite(ts) || !Number.isFinite(dur)) return;
    const name = typeof event['name'] === 'string' ? event['name'] : '';
    const args = event['args'];
    const start = Math.ceil(ts);
    const end = Math.floor(ts + dur);
    const gpu = GPU_CATEGORIES.get(cat);
    if (gpu !== undefined) {
      const stream = streamOf(args);
      if (stream !== -1) this.addGpu(name, start, end, stream, correlationOf(args), gpu);
      return;
    }
    if (start < this.cpuMin) this.cpuMin = start;
    if (PROFILER_STEP.test(name)) {
      this.stepNames.add(name);
      if (start > this.lastStepStart) this.lastStepStart = start;
    }
    const correlation = correlationOf(args);
    if (correlation < 0) return;
    this.times.push(this.cpuStart, start);
    this.times.push(this.cpuEnd, end);
    this.cpuCorrelation.push(correlation);
    this.cpuLaunch.push(LAUNCH_NAMES.has(name) ? 1 : 0);
  }

  private addGpu(name: string, start: number, end: number, stream: number, correlation: number, flag: number): void {
    let kind = this.kinds.get(name);
    if (kind === undefined) {
      kind = kernelKind(name);
      this.kinds.set(name, kind);
    }
    this.times.push(this.gpuStart, start);
    this.times.push(this.gpuEnd, end);
    this.gpuStream.push(stream);
    this.gpuCorrelation.push(correlation);
    this.gpuFlags.push(kind | flag);
  }

  /**
   * HTA's analyses of the trace, or undefined when it has no GPU events to analyse (a CPU-only trace, on which HTA
   * itself fails).
   */
  build(rank?: number): HtaAnalysis | undefined {
    const gpu: GpuColumns = {
      start: this.gpuStart.view(),
      end: this.gpuEnd.view(),
      stream: this.gpuStream.view(),
      correlation: this.gpuCorrelation.view(),
      flags: this.gpuFlags.view(),
    };
    const cpu: CpuColumns = {
      start: this.cpuStart.view(),
      end: this.cpuEnd.view(),
      correlation: this.cpuCorrelation.view(),
      launch: this.cpuLaunch.view(),
    };
    // HTA filters only when there are at least two step names; the cut is the last step's start.
    const lastStepDropped = this.stepNames.size >= 2;
    const cut = lastStepDropped ? (Number.isFinite(this.lastStepStart) ? this.lastStepStart : this.cpuMin) : Infinity;
    const { kept, cpuRow } = correlate(gpu, cpu, this.times.offset(cut), lastStepDropped);
    if (kept.length === 0) return undefined;
    return {
      ...(rank !== undefined ? { rank } : {}),
      lastStepDropped,
      temporal: temporalBreakdown(gpu, kept),
      idle: idleBreakdown(gpu, kept, cpu, cpuRow),
      launches: launchStats(gpu, kept, cpu, cpuRow),
    };
  }
}
