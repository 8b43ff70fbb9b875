/**
 * The steps of a Kineto trace as the PyTorch profiler plugin analyses them: which spans are steps, how far each one
 * reaches into the device work it launched, which trailing steps are left out, and how each step's time splits
 * across the categories.
 */
import type { ProfileStep } from '../profile';
import { KINETO_CATEGORIES } from '../profile';
import { intersectRanges, mergeRanges, subtractRanges, windowSum, type Ranges } from '../ranges';

/** A step's name (the N of `ProfilerStep#N`) and its span, µs. */
export interface StepSpan {
  name: string;
  start: number;
  end: number;
}

/** Events as flat columns: start and end (µs) and correlation id (NaN when the event has none), one row each. */
export interface CorrelatedEvents {
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly correlation: Float64Array;
}

/** The steps to analyse, and why they differ from the trace's `ProfilerStep#N` spans when they do. */
export interface AnalysedSteps {
  readonly steps: StepSpan[];
  readonly stepsNote: string | undefined;
}

/** What the launches inside each step reached on the device, in the order of the sorted steps. */
export interface LaunchReach {
  /** Earliest start and latest end of the device work each step's runtime calls launched (±Infinity: none). */
  readonly deviceMin: Float64Array;
  readonly deviceMax: Float64Array;
  /** Device events matched to each step's runtime calls (one per call and event). */
  readonly matched: Uint32Array;
  /** Whether any device event was matched to a step's runtime call. */
  readonly anyMatched: boolean;
  /** The latest end, before `t`, of a device event that no step's call launched (−Infinity when none). */
  unmatchedEndBefore(t: number): number;
}

/**
 * The steps to analyse: the recorded `ProfilerStep#N` spans in time order (the CPU activity from `cpuStart` to
 * `cpuEnd` as one step "0" when there are none), each extended to the end of the device work its runtime calls
 * launched (the span objects are updated in place), without the trailing steps whose device work the profiler may
 * have missed. `launches` gives what each step's calls reached: the runtime and device event columns (matched
 * here), or a function of the sorted steps (a streaming matcher). Throws when there is neither a step nor CPU
 * activity to analyse.
 */
export function analysedSteps(
  recorded: readonly StepSpan[],
  cpuStart: number,
  cpuEnd: number,
  launches: { runtime: CorrelatedEvents; device: CorrelatedEvents } | ((steps: readonly StepSpan[]) => LaunchReach),
): AnalysedSteps {
  let stepsNote: string | undefined;
  let steps = [...recorded].sort((a, b) => a.start - b.start);
  if (steps.length === 0) {
    if (!Number.isFinite(cpuStart)) throw new Error('the trace has no CPU operators and no steps to analyse');
    steps = [{ name: '0', start: cpuStart, end: cpuEnd }];
    stepsNote = 'the trace has no ProfilerStep markers: the whole trace is analysed as one step';
  }
  const reach =
    typeof launches === 'function' ? launches(steps) : matchLaunches(steps, launches.runtime, launches.device);
  const dropped = extendSteps(steps, reach);
  if (dropped > 0) {
    stepsNote = `the last ${dropped} step${dropped > 1 ? 's were' : ' was'} left out: the profiler may not have captured all the device work ${dropped > 1 ? 'they' : 'it'} launched`;
    steps = steps.slice(0, steps.length - dropped);
  }
  return { steps, stepsNote };
}

/**
 * Each step's time by category, with strict priority: each role (`roleRanges`, in KINETO_CATEGORIES order without
 * `other`) takes what is left of the steps after the roles before it, so overlapping work is counted once; what no
 * role takes is `other`.
 */
export function stepBreakdowns(steps: readonly StepSpan[], roleRanges: readonly Ranges[]): ProfileStep[] {
  const stepSlots = mergeRanges(steps.flatMap((s) => [s.start, s.end]));
  let slots = stepSlots;
  const costs: Ranges[] = [];
  roleRanges.forEach((role, i) => {
    const range = i === 0 ? role : intersectRanges(slots, role);
    costs.push(range);
    slots = subtractRanges(slots, range);
  });
  costs.push(slots);
  return steps.map((step) => {
    const breakdown: Record<string, number> = {};
    KINETO_CATEGORIES.forEach((category, i) => (breakdown[category] = windowSum(costs[i]!, step.start, step.end)));
    return { name: step.name, startUs: step.start, endUs: step.end, breakdown };
  });
}

/**
 * Matches runtime calls to the device work they launched (by correlation id) and each call to the step (sorted by
 * start) that holds it, from all the events at once.
 */
export function matchLaunches(
  steps: readonly StepSpan[],
  runtime: CorrelatedEvents,
  device: CorrelatedEvents,
): LaunchReach {
  const { start: runtimeStart, end: runtimeEnd, correlation: runtimeCorrelation } = runtime;
  const { start: deviceStart, end: deviceEnd, correlation: deviceCorrelation } = device;
  // Device work of each correlation id (a runtime call's launches).
  const byCorrelation = new Map<number, number[]>();
  const runtimeCorrelations = new Set<number>(runtimeCorrelation);
  for (let d = 0; d < deviceStart.length; d++) {
    const id = deviceCorrelation[d]!;
    if (!runtimeCorrelations.has(id)) continue;
    const list = byCorrelation.get(id);
    if (list) list.push(d);
    else byCorrelation.set(id, [d]);
  }
  const order = new Uint32Array(runtimeStart.length).map((_, i) => i);
  order.sort((a, b) => runtimeStart[a]! - runtimeStart[b]!);

  const deviceMin = new Float64Array(steps.length).fill(Infinity);
  const deviceMax = new Float64Array(steps.length).fill(-Infinity);
  const matched = new Uint32Array(steps.length);
  const matchedDevices = new Set<number>();
  let s = 0;
  let r = 0;
  while (s < steps.length && r < order.length) {
    const rt = order[r]!;
    const step = steps[s]!;
    if (runtimeStart[rt]! < step.start) r++;
    else if (runtimeEnd[rt]! <= step.end) {
      for (const d of byCorrelation.get(runtimeCorrelation[rt]!) ?? []) {
        deviceMin[s] = Math.min(deviceMin[s]!, deviceStart[d]!);
        deviceMax[s] = Math.max(deviceMax[s]!, deviceEnd[d]!);
        matchedDevices.add(d);
        matched[s]!++;
      }
      r++;
    } else if (runtimeStart[rt]! < step.end) r++;
    else s++;
  }
  return {
    deviceMin,
    deviceMax,
    matched,
    anyMatched: matchedDevices.size > 0,
    unmatchedEndBefore: (t) => {
      let latest = -Infinity;
      for (let d = 0; d < deviceStart.length; d++)
        if (!matchedDevices.has(d) && deviceEnd[d]! < t) latest = Math.max(latest, deviceEnd[d]!);
      return latest;
    },
  };
}

/**
 * Extends each step to the end of the device work launched by runtime calls inside it (in place) and returns how
 * many trailing steps to drop.
 */
function extendSteps(steps: StepSpan[], reach: LaunchReach): number {
  const { deviceMin, deviceMax, matched } = reach;
  if (!reach.anyMatched) return 0;
  let previousEnd = steps[0]!.start;
  if (Number.isFinite(deviceMin[0]!)) previousEnd = Math.max(previousEnd, reach.unmatchedEndBefore(deviceMin[0]!));
  steps.forEach((step, i) => {
    const start = Math.max(previousEnd, step.start);
    const end = Number.isFinite(deviceMin[i]!) ? Math.max(step.end, deviceMax[i]!, start) : Math.max(step.end, start);
    step.start = start;
    step.end = end;
    previousEnd = end;
  });
  if (steps.length <= 1) return 0;
  let last = steps.length - 1;
  while (last >= 0 && matched[last] === 0) last--;
  if (last < 0) return 0;
  let keep = last + 1;
  if (last > 0 && matched[last - 1]! * 0.8 > matched[last]!) keep = last;
  return steps.length - keep;
}
