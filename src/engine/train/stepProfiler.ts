/** What a training step's time is spent on, as TrainLens runs report it (docs/architecture.md). */
export const RUN_PHASES = [
  'data_wait',
  'forward_backward',
  'optimizer',
  'host_sync',
  'eval',
  'checkpoint',
  'other',
] as const;

/** A phase of a step. `other` is what the phases leave of the step, computed by the analysis. */
export type RunPhase = Exclude<(typeof RUN_PHASES)[number], 'other'>;

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
  private stepStart: number | undefined;
  private step = -1;

  constructor(
    /** Steps (0-based) to record: [from, to). */
    private readonly from: number,
    private readonly to: number,
    /** `performance.now()` at the run's start: time zero of the trace. */
    private readonly origin: number,
  ) {}

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

  /** Steps recorded so far. */
  get recorded(): number {
    return this.events.filter((e) => e.cat === 'step').length;
  }

  private span(cat: string, name: string, start: number, end: number): TraceEvent {
    const ts = Math.round((start - this.origin) * 1000 * 10) / 10;
    const dur = Math.round((end - start) * 1000 * 10) / 10;
    return { ph: 'X', cat, name, ts, dur, pid: 1, tid: 1 };
  }
}
