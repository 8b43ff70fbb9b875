/**
 * Runtime calls matched to the device work they launched (by correlation id) while a trace streams, for the step
 * extension of `steps.ts`, without holding every launch: a runtime call is settled (given its step, or none) once
 * no step still to come can change that, and a device event is folded into its step's reach as soon as its call is
 * settled. Kineto files list the CPU events (steps and runtime calls) before the GPU events, and correlation ids
 * grow with launch time, so what waits is about one step of launches. The result is what `matchLaunches` computes
 * from all the events; when the trace breaks the assumptions that make settling early safe (a step starting
 * before a call already settled, a correlation id used twice), `exact` turns false and the caller reads the
 * trace again without settling early.
 */
import { CorrelationIndex } from './correlationIndex';
import { DEFAULT_BUDGET, IntervalUnion } from './roles';
import { Numbers } from './numbers';
import { matchLaunches, type CorrelatedEvents, type LaunchReach, type StepSpan } from './steps';

/** Start, end and correlation columns of events waiting to be settled. */
class Pending {
  start = new Numbers();
  end = new Numbers();
  correlation = new Numbers();
  get length(): number {
    return this.start.length;
  }
  push(start: number, end: number, correlation: number): void {
    this.start.push(start);
    this.end.push(end);
    this.correlation.push(correlation);
  }
  /** Keeps only the rows for which `keep` is true (in order). */
  retain(keep: (row: number) => boolean): void {
    const next = new Pending();
    for (let i = 0; i < this.length; i++)
      if (keep(i)) next.push(this.start.data[i]!, this.end.data[i]!, this.correlation.data[i]!);
    ({ start: this.start, end: this.end, correlation: this.correlation } = next);
  }
}

/** The events waiting, as the columns `matchLaunches` takes. */
function columns(events: Pending): CorrelatedEvents {
  return { start: events.start.view(), end: events.end.view(), correlation: events.correlation.view() };
}

/** Per step: the device work its launches reached. */
interface Reach {
  readonly step: StepSpan;
  min: number;
  max: number;
  matched: number;
  /** Earliest and latest start of the calls settled into the step. */
  callsMin: number;
  callsMax: number;
}

/** Streams runtime calls and device events and gives, at the end, each step's {@link LaunchReach}. */
export class LaunchMatcher {
  private readonly runtime = new Pending();
  private readonly devices = new Pending();
  private readonly index = new CorrelationIndex();
  private readonly slots = new Map<StepSpan, number>();
  private readonly reach: Reach[] = [];
  /** Slots in the order of their steps' starts. */
  private readonly byStart: number[] = [];
  /** Slots of settled calls without a correlation id (they match every device event without one). */
  private readonly noIdSlots: number[] = [];
  private settledHigh = -Infinity;
  /** Starts of the settled calls that no step holds (as points). */
  private readonly looseStarts: IntervalUnion;
  private runtimeLimit: number;
  private deviceLimit: number;
  /** False when settling early may have differed from matching at the end (see the file's comment). */
  exact = true;

  /** @param steps the recorded steps, as the builder appends them. */
  constructor(
    private readonly steps: readonly StepSpan[],
    private readonly budget = DEFAULT_BUDGET,
  ) {
    this.runtimeLimit = budget;
    this.looseStarts = new IntervalUnion(budget);
    this.deviceLimit = budget;
  }

  /**
   * Called with each recorded step: a step that starts after every settled call changes none of them; one that
   * comes late (a GPU-side `ProfilerStep` annotation, listed with the device events) changes a settled call only
   * if it holds the call's start and sorts before the call's step (or the call has none).
   */
  noteStep(start: number, end: number): void {
    if (start > this.settledHigh) return;
    // A step's settled calls start inside it, so only the steps starting within (start, end] can be affected.
    const byStart = this.byStart;
    let first = 0;
    let last = byStart.length;
    while (first < last) {
      const mid = (first + last) >>> 1;
      if (this.reach[byStart[mid]!]!.step.start <= start) first = mid + 1;
      else last = mid;
    }
    for (let i = first; i < byStart.length; i++) {
      const reach = this.reach[byStart[i]!]!;
      if (reach.step.start > end) break;
      if (start <= reach.callsMax && reach.callsMin <= end) this.exact = false;
    }
    const loose = this.looseStarts.ranges();
    // The first settled call without a step that starts at or after `start`.
    let lo = 0;
    let hi = loose.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (loose[2 * mid + 1]! < start) lo = mid + 1;
      else hi = mid;
    }
    if (lo < loose.length / 2 && loose[2 * lo]! <= end) this.exact = false;
  }

  addRuntime(start: number, end: number, correlation: number): void {
    this.runtime.push(start, end, correlation);
    if (this.runtime.length >= this.runtimeLimit) {
      let latest = -Infinity;
      for (const step of this.steps) if (step.start > latest) latest = step.start;
      this.settle(sortedSteps(this.steps), latest);
      this.runtimeLimit = Math.max(this.budget, 2 * this.runtime.length);
    }
  }

  addDevice(start: number, end: number, correlation: number): void {
    const slot = correlation === correlation ? this.index.get(correlation) : undefined;
    if (slot !== undefined) return this.fold(slot, start, end);
    this.devices.push(start, end, correlation);
    if (this.devices.length >= this.deviceLimit) {
      this.resolveDevices();
      this.deviceLimit = Math.max(this.budget, 2 * this.devices.length);
    }
  }

  /** Settles everything against the final steps (sorted by start) and gives each one's reach. */
  result(steps: readonly StepSpan[]): LaunchReach {
    // Without a budget nothing was settled early: every launch is matched at once, as before streaming.
    if (this.budget === Infinity) return matchLaunches(steps, columns(this.runtime), columns(this.devices));
    this.settle(steps, Infinity);
    this.resolveDevices();
    const unmatched = new Numbers();
    for (let d = 0; d < this.devices.length; d++) {
      if (this.devices.correlation.data[d] !== this.devices.correlation.data[d] && this.noIdSlots.length > 0)
        for (const slot of this.noIdSlots) this.fold(slot, this.devices.start.data[d]!, this.devices.end.data[d]!);
      else unmatched.push(this.devices.end.data[d]!);
    }
    const deviceMin = new Float64Array(steps.length).fill(Infinity);
    const deviceMax = new Float64Array(steps.length).fill(-Infinity);
    const matched = new Uint32Array(steps.length);
    let any = false;
    steps.forEach((step, i) => {
      const slot = this.slots.get(step);
      if (slot === undefined) return;
      ({ min: deviceMin[i], max: deviceMax[i], matched: matched[i] } = this.reach[slot]!);
      if (matched[i] > 0) any = true;
    });
    const ends = unmatched.view();
    return {
      deviceMin,
      deviceMax,
      matched,
      anyMatched: any,
      unmatchedEndBefore: (t) => {
        let latest = -Infinity;
        for (const end of ends) if (end < t && end > latest) latest = end;
        return latest;
      },
    };
  }

  /**
   * Settles the runtime calls that start before `limit` against `steps` (sorted by start) the way
   * `matchLaunches` walks them; the others wait.
   */
  private settle(steps: readonly StepSpan[], limit: number): void {
    const { start, end, correlation } = this.runtime;
    const order: number[] = [];
    for (let r = 0; r < this.runtime.length; r++) if (start.data[r]! < limit) order.push(r);
    if (order.length === 0) return;
    order.sort((a, b) => start.data[a]! - start.data[b]!);
    const assigned: Array<[number, number]> = [];
    const settled = new Uint8Array(order.length);
    let s = 0;
    for (let i = 0; i < order.length && s < steps.length;) {
      const r = order[i]!;
      const step = steps[s]!;
      if (start.data[r]! < step.start) i++;
      else if (end.data[r]! <= step.end) {
        const slot = this.slotOf(step);
        assigned.push([correlation.data[r]!, slot]);
        const reach = this.reach[slot]!;
        reach.callsMin = Math.min(reach.callsMin, start.data[r]!);
        reach.callsMax = Math.max(reach.callsMax, start.data[r]!);
        settled[i] = 1;
        i++;
      } else if (start.data[r]! < step.end) i++;
      else s++;
    }
    if (limit !== Infinity)
      for (let i = 0; i < order.length; i++)
        if (!settled[i]) this.looseStarts.push(start.data[order[i]!]!, start.data[order[i]!]!);
    if (limit !== Infinity) this.settledHigh = Math.max(this.settledHigh, start.data[order.at(-1)!]!);
    // Ids in increasing order keep the index to one run per step.
    assigned.sort((a, b) => a[0] - b[0]);
    for (const [id, slot] of assigned) {
      if (id !== id) this.noIdSlots.push(slot);
      else if (this.index.get(id) !== undefined) this.exact = false;
      else this.index.set(id, slot);
    }
    this.runtime.retain((r) => !(start.data[r]! < limit));
    this.resolveDevices();
  }

  /** Folds the waiting device events whose call is settled into their steps. */
  private resolveDevices(): void {
    const { start, end, correlation } = this.devices;
    this.devices.retain((d) => {
      const id = correlation.data[d]!;
      const slot = id === id ? this.index.get(id) : undefined;
      if (slot === undefined) return true;
      this.fold(slot, start.data[d]!, end.data[d]!);
      return false;
    });
  }

  private fold(slot: number, start: number, end: number): void {
    const reach = this.reach[slot]!;
    reach.min = Math.min(reach.min, start);
    reach.max = Math.max(reach.max, end);
    reach.matched++;
  }

  private slotOf(step: StepSpan): number {
    let slot = this.slots.get(step);
    if (slot === undefined) {
      slot = this.reach.length;
      this.slots.set(step, slot);
      this.reach.push({ step, min: Infinity, max: -Infinity, matched: 0, callsMin: Infinity, callsMax: -Infinity });
      // Steps are met in start order (mostly): append, else insert in place.
      let at = this.byStart.length;
      while (at > 0 && this.reach[this.byStart[at - 1]!]!.step.start > step.start) at--;
      this.byStart.splice(at, 0, slot);
    }
    return slot;
  }
}

/** The steps sorted by start, ties in the order recorded (as `analysedSteps` sorts them). */
export function sortedSteps(steps: readonly StepSpan[]): StepSpan[] {
  return [...steps].sort((a, b) => a.start - b.start);
}
