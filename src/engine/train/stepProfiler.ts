import type { RunPhase } from '../../protocol/runPhases';

/** A Chrome trace event (complete event, µs). */
export interface TraceEvent {
  readonly ph: 'X';
  readonly cat: string;
  readonly name: string;
  readonly ts: number;
  readonly dur: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: Readonly<Record<string, number | string>>;
}

/**
 * Records the phases of the steps in the profiling window (`monitoring.profiling`: after `warmup_steps`, for `steps`
 * steps) as Chrome trace events: one `step` span per step and one span per phase, in microseconds since the run
 * started. The loop calls it with times it measures anyway, so recording costs an array push per phase.
 */
export class StepProfiler {
  private readonly events: TraceEvent[] = [];
  private readonly kernelTotals = new Map<
    string,
    { calls: number; totalMs: number; maxMs: number; bytesAdded: number }
  >();
  private readonly kernelSampled = new Set<number>();
  private stepStart: number | undefined;
  private step = -1;

  constructor(
    /** Steps (0-based) to record: [from, to). */
    private readonly from: number,
    private readonly to: number,
    /** `performance.now()` at the run's start: time zero of the trace. */
    private readonly origin: number,
    /** Steps right after the window whose kernels are timed with tf.profile (0: none). */
    private readonly kernelSteps = 0,
  ) {}

  /**
   * Whether `step`'s kernels are timed. Timing every kernel slows the step down, so it happens in the steps after
   * the phase window, never inside it.
   */
  samplesKernels(step: number): boolean {
    return step >= this.to && step < this.to + this.kernelSteps;
  }

  /** Adds the kernels tf.profile timed in a sampled step. */
  addKernels(step: number, kernels: ReadonlyArray<{ name: string; kernelTimeMs: unknown; bytesAdded: number }>): void {
    this.kernelSampled.add(step);
    for (const kernel of kernels) {
      // Ops with a custom gradient (`…__op`) are listed besides the kernels they run: counting them would count twice.
      if (kernel.name.endsWith('__op')) continue;
      const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
      const entry = this.kernelTotals.get(kernel.name);
      if (entry) {
        entry.calls++;
        entry.totalMs += ms;
        entry.maxMs = Math.max(entry.maxMs, ms);
        entry.bytesAdded += kernel.bytesAdded;
      } else this.kernelTotals.set(kernel.name, { calls: 1, totalMs: ms, maxMs: ms, bytesAdded: kernel.bytesAdded });
    }
  }

  /** The timed kernels per sampled step (µs), longest first, and how many steps were sampled. */
  kernelTable(): {
    steps: number;
    kernels: Array<{ name: string; calls: number; totalUs: number; meanUs: number; maxUs: number }>;
  } {
    const steps = Math.max(1, this.kernelSampled.size);
    return {
      steps: this.kernelSampled.size,
      kernels: [...this.kernelTotals.entries()]
        .map(([name, k]) => ({
          name,
          calls: k.calls / steps,
          totalUs: (k.totalMs * 1000) / steps,
          meanUs: (k.totalMs * 1000) / k.calls,
          maxUs: k.maxMs * 1000,
        }))
        .sort((a, b) => b.totalUs - a.totalUs),
    };
  }

  /** Whether `step` (0-based) is in the window. */
  records(step: number): boolean {
    return step >= this.from && step < this.to;
  }

  beginStep(step: number, at: number): void {
    this.step = step;
    this.stepStart = this.records(step) ? at : undefined;
  }

  /** One phase of the current step, from `start` to `end` (performance.now() values). */
  phase(phase: RunPhase, start: number, end: number): void {
    if (this.stepStart === undefined || end <= start) return;
    this.events.push(this.span(phase, phase, start, end));
  }

  endStep(at: number, args: Readonly<Record<string, number | string>>): void {
    if (this.stepStart === undefined) return;
    this.events.push({ ...this.span('step', `step ${this.step + 1}`, this.stepStart, at), args });
    this.stepStart = undefined;
  }

  /** The recorded events, in time order (a step's span comes before its phases). */
  traceEvents(): TraceEvent[] {
    return [...this.events].sort((a, b) => a.ts - b.ts || (a.cat === 'step' ? -1 : 1));
  }

  private span(cat: string, name: string, start: number, end: number): TraceEvent {
    const ts = Math.round((start - this.origin) * 1000 * 10) / 10;
    const dur = Math.round((end - start) * 1000 * 10) / 10;
    return { ph: 'X', cat, name, ts, dur, pid: 1, tid: 1 };
  }
}
