import { OpTotals } from '../opTotals';
import type { Profile, ProfileStep } from '../profile';
import { KINETO_CATEGORIES } from '../profile';
import type { SpanRecorder } from '../spans';
import { smMetricsOf, interleave, utilizationTimeline } from './gpuMetrics';
import { devicesOf, distributedOf } from './metadata';
import { intersectRanges, mergeRanges, subtractRanges, sumRanges, type Ranges } from '../ranges';

/** How an event's category (old or new dialect, any case) counts. */
const EVENT_TYPES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    trace: 'trace',
    cpu_op: 'operator',
    operator: 'operator',
    runtime: 'runtime',
    cuda_runtime: 'runtime',
    mtia_runtime: 'runtime',
    xpu_runtime: 'runtime',
    privateuse1_runtime: 'runtime',
    kernel: 'kernel',
    memcpy: 'memcpy',
    gpu_memcpy: 'memcpy',
    memset: 'memset',
    gpu_memset: 'memset',
    python: 'python',
    python_function: 'python_function',
    user_annotation: 'user_annotation',
    gpu_user_annotation: 'user_annotation',
  }),
);

/** CPU-side collective operations (NCCL and Gloo): their time, and their kernels', is communication. */
const COLLECTIVES = new Set(
  ['broadcast', 'reduce', 'all_reduce', 'all_gather', 'reduce_scatter'].flatMap((op) => [`nccl:${op}`, `gloo:${op}`]),
);

/** Role indices, in priority order (KINETO_CATEGORIES without `other`). */
const KERNEL = 0;
const MEMCPY = 1;
const MEMSET = 2;
const COMMUNICATION = 3;
const RUNTIME = 4;
const DATALOADER = 5;
const CPU_EXEC = 6;
const ROLES = 7;

/** Kernel-name markers of NVIDIA tensor-core kernels (HMMA/IMMA instruction shapes and the libraries' names). */
const TENSOR_CORE_MARKERS = /h884|s884|h1688|s1688|c1688|i8816|16816|hmma|xmma|tensorop|wmma/i;
/** Matrix-multiply and convolution kernels: the work tensor cores can take. */
const MATRIX_KERNEL = /gemm|conv|cutlass|wgrad|dgrad|fprop|matmul/i;

/** Kernels shorter than this count as short (launch overhead dominates them). */
export const SHORT_KERNEL_US = 10;

/** A growable list of numbers, so millions of intervals do not become millions of objects. */
class Numbers {
  data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  push3(a: number, b: number, c: number): void {
    this.push(a);
    this.push(b);
    this.push(c);
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

function numberArg(args: unknown, ...names: string[]): number | undefined {
  if (!args || typeof args !== 'object') return undefined;
  for (const name of names) {
    const value = (args as Record<string, unknown>)[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

/**
 * Builds a {@link Profile} from the events of a Kineto (PyTorch profiler) trace, fed one at a time, with the PyTorch
 * profiler plugin's semantics so the numbers match what its overview showed:
 *
 * - Steps are the `ProfilerStep#N` spans (the whole CPU activity as one step "0" when there are none), each
 *   extended to the end of the device work its runtime calls launched; trailing steps that launched no device work
 *   are dropped, and the last step is dropped when it launched under 80% of the previous step's device events
 *   (the profiler may have missed its kernels).
 * - Each step's time goes to one category by strict priority: kernel > memcpy > memset > communication > runtime >
 *   dataloader > cpu_exec > other, so overlapping work is counted once.
 * - Kernels whose CPU-side operation is an NCCL/Gloo collective are communication; so is the collective itself.
 * - GPU utilization is the union of kernel intervals over the analysed span divided by its length.
 * - Estimated SM efficiency and achieved occupancy come from the kernels' `blocks per SM` and
 *   `est. achieved occupancy %` (see `smMetricsOf`).
 */
export class KinetoProfileBuilder {
  private readonly roles = Array.from({ length: ROLES }, () => new Numbers());
  private readonly kernelStart = new Numbers();
  private readonly kernelEnd = new Numbers();
  private readonly kernelExternal = new Numbers();
  /** Kernels with a positive `blocks per SM`: start, end, value (flat triples). */
  private readonly blocksPerSm = new Numbers();
  /** Kernels with `est. achieved occupancy %`: start, end, value (flat triples). */
  private readonly occupancy = new Numbers();
  private readonly runtimeStart = new Numbers();
  private readonly runtimeEnd = new Numbers();
  private readonly runtimeCorrelation = new Numbers();
  private readonly deviceStart = new Numbers();
  private readonly deviceEnd = new Numbers();
  private readonly deviceCorrelation = new Numbers();
  private readonly collectiveIds = new Set<number>();
  private readonly steps: Array<{ name: string; start: number; end: number }> = [];
  private readonly kernels = new OpTotals();
  private readonly operators = new OpTotals();
  private readonly memoryT = new Numbers();
  private readonly memoryBytes = new Numbers();
  private readonly memoryReserved = new Numbers();
  /** `Device Type` of each memory event: 0 CPU, 1 CUDA. */
  private readonly memoryDevice = new Numbers();
  private cpuMin = Infinity;
  private cpuMax = -Infinity;
  private shortKernels = 0;
  private matrixUs = 0;
  /** The span of all events, and the profiler's own "PyTorch Profiler (0)" span when present (the timeline's base). */
  private globalMin = Infinity;
  private globalMax = -Infinity;
  private profilerSpan: { start: number; end: number } | undefined;
  private tensorCoreUs = 0;
  private shortKernelUs = 0;
  events = 0;

  /** @param spans where to record the spans for the timeline view, when it is wanted. */
  constructor(private readonly spans?: SpanRecorder) {}

  /** Takes one trace event. */
  add(event: Record<string, unknown>): void {
    this.events++;
    const ph = event['ph'];
    if (ph === 'i' && event['name'] === '[memory]') {
      const ts = event['ts'];
      const allocated = numberArg(event['args'], 'Total Allocated');
      if (typeof ts === 'number' && allocated !== undefined) {
        this.memoryT.push(ts);
        this.memoryBytes.push(allocated);
        this.memoryReserved.push(numberArg(event['args'], 'Total Reserved') ?? Number.NaN);
        this.memoryDevice.push(numberArg(event['args'], 'Device Type') ?? 1);
      }
      return;
    }
    if (ph !== 'X') return;
    const cat = typeof event['cat'] === 'string' ? event['cat'] : '';
    let type = EVENT_TYPES.get(cat) ?? EVENT_TYPES.get(cat.toLowerCase());
    if (!type) return;
    const ts = event['ts'];
    if (typeof ts !== 'number' || !Number.isFinite(ts)) return;
    const rawDur = event['dur'];
    const dur = typeof rawDur === 'number' && Number.isFinite(rawDur) && rawDur > 0 ? rawDur : 0;
    const end = ts + dur;
    const name = typeof event['name'] === 'string' ? event['name'] : '';
    if (ts < this.globalMin) this.globalMin = ts;
    if (end > this.globalMax) this.globalMax = end;
    if (type === 'trace' && name === 'PyTorch Profiler (0)') this.profilerSpan = { start: ts, end };
    const args = event['args'];
    if ((type === 'operator' || type === 'user_annotation') && name.startsWith('ProfilerStep#')) type = 'step';
    if (this.spans && type !== 'trace') this.record(type, name, ts, dur, event, args);

    switch (type) {
      case 'kernel': {
        this.kernelStart.push(ts);
        this.kernelEnd.push(end);
        this.kernelExternal.push(numberArg(args, 'external id', 'External id') ?? Number.NaN);
        const blocks = numberArg(args, 'blocks per SM');
        if (blocks !== undefined && blocks > 0) this.blocksPerSm.push3(ts, end, blocks);
        const occupancy = numberArg(args, 'est. achieved occupancy %');
        if (occupancy !== undefined && occupancy >= 0) this.occupancy.push3(ts, end, occupancy);
        this.device(ts, end, args);
        this.kernels.add(name, dur);
        if (TENSOR_CORE_MARKERS.test(name)) this.tensorCoreUs += dur;
        else if (MATRIX_KERNEL.test(name)) this.matrixUs += dur;
        if (dur < SHORT_KERNEL_US) {
          this.shortKernels++;
          this.shortKernelUs += dur;
        }
        return;
      }
      case 'memcpy':
      case 'memset':
        this.roles[type === 'memcpy' ? MEMCPY : MEMSET]!.push(ts);
        this.roles[type === 'memcpy' ? MEMCPY : MEMSET]!.push(end);
        this.device(ts, end, args);
        return;
      case 'runtime':
        this.roles[RUNTIME]!.push(ts);
        this.roles[RUNTIME]!.push(end);
        this.runtimeStart.push(ts);
        this.runtimeEnd.push(end);
        this.runtimeCorrelation.push(numberArg(args, 'correlation') ?? Number.NaN);
        return;
      case 'step': {
        this.steps.push({ name: name.slice('ProfilerStep#'.length), start: ts, end });
        this.cpu(ts, end);
        return;
      }
      case 'operator':
      case 'user_annotation':
      case 'python': {
        if (
          type !== 'python' &&
          ((name.startsWith('enumerate(DataLoader)#') && name.endsWith('.__next__')) ||
            name.startsWith('enumerate(DataPipe)#'))
        ) {
          this.roles[DATALOADER]!.push(ts);
          this.roles[DATALOADER]!.push(end);
        } else if (COLLECTIVES.has(name)) {
          this.roles[COMMUNICATION]!.push(ts);
          this.roles[COMMUNICATION]!.push(end);
          const external = numberArg(args, 'external id', 'External id');
          if (external !== undefined) this.collectiveIds.add(external);
        } else {
          this.roles[CPU_EXEC]!.push(ts);
          this.roles[CPU_EXEC]!.push(end);
        }
        if (type !== 'user_annotation') this.cpu(ts, end);
        if (type === 'operator') this.operators.add(name, dur);
        return;
      }
      default:
        return;
    }
  }

  private record(
    type: string,
    name: string,
    ts: number,
    dur: number,
    event: Record<string, unknown>,
    args: unknown,
  ): void {
    const pid = String(event['pid']);
    const tid = String(event['tid']);
    if (type === 'step') this.spans!.add('steps', 'Steps', 'steps', name, ts, dur);
    else if (
      type === 'kernel' ||
      type === 'memcpy' ||
      type === 'memset' ||
      (type === 'user_annotation' && event['cat'] === 'gpu_user_annotation')
    ) {
      const device = numberArg(args, 'device') ?? pid;
      const stream = numberArg(args, 'stream') ?? tid.replace(/^stream /, '');
      this.spans!.add(`gpu:${pid}:${tid}`, `GPU ${device} · stream ${stream}`, 'gpu', name, ts, dur);
    } else this.spans!.add(`cpu:${pid}:${tid}`, `CPU ${pid} · thread ${tid}`, 'cpu', name, ts, dur);
  }

  private device(start: number, end: number, args: unknown): void {
    this.deviceStart.push(start);
    this.deviceEnd.push(end);
    this.deviceCorrelation.push(numberArg(args, 'correlation') ?? Number.NaN);
  }

  private cpu(start: number, end: number): void {
    if (start < this.cpuMin) this.cpuMin = start;
    if (end > this.cpuMax) this.cpuMax = end;
  }

  /** The profile, once every event has been added. */
  build(file: string, metadata: Readonly<Record<string, unknown>>, bytes: number): Profile {
    // Kernels launched by a collective are communication; the others are compute kernels.
    const kernelStart = this.kernelStart.view();
    const kernelEnd = this.kernelEnd.view();
    const kernelExternal = this.kernelExternal.view();
    for (let i = 0; i < kernelStart.length; i++) {
      const role = this.collectiveIds.has(kernelExternal[i]!) ? COMMUNICATION : KERNEL;
      this.roles[role]!.push(kernelStart[i]!);
      this.roles[role]!.push(kernelEnd[i]!);
    }
    const roleRanges = this.roles.map((r) => mergeRanges(r.view()));

    let stepsNote: string | undefined;
    let steps = [...this.steps].sort((a, b) => a.start - b.start);
    if (steps.length === 0) {
      if (!Number.isFinite(this.cpuMin)) throw new Error('the trace has no CPU operators and no steps to analyse');
      steps = [{ name: '0', start: this.cpuMin, end: this.cpuMax }];
      stepsNote = 'the trace has no ProfilerStep markers: the whole trace is analysed as one step';
    }
    const dropped = this.extendStepsToDevice(steps);
    if (dropped > 0) {
      stepsNote = `the last ${dropped} step${dropped > 1 ? 's were' : ' was'} left out: the profiler may not have captured all the device work ${dropped > 1 ? 'they' : 'it'} launched`;
      steps = steps.slice(0, steps.length - dropped);
    }

    // Priority split: each role takes what is left of the steps after the roles before it.
    const stepSlots = mergeRanges(steps.flatMap((s) => [s.start, s.end]));
    let slots = stepSlots;
    const costs: Ranges[] = [];
    roleRanges.forEach((role, i) => {
      const range = i === 0 ? role : intersectRanges(slots, role);
      costs.push(range);
      slots = subtractRanges(slots, range);
    });
    costs.push(slots);
    const profileSteps: ProfileStep[] = steps.map((step) => {
      const window = Float64Array.of(step.start, step.end);
      const breakdown: Record<string, number> = {};
      KINETO_CATEGORIES.forEach((category, i) => (breakdown[category] = sumRanges(intersectRanges(window, costs[i]!))));
      return { name: step.name, startUs: step.start, endUs: step.end, breakdown };
    });

    const hasGpu = kernelStart.length > 0;
    let gpuUtilization: number | undefined;
    let gpuUtilizationTimeline: Profile['gpuUtilizationTimeline'];
    if (hasGpu && steps.length > 0) {
      const busyRanges = mergeRanges(interleave(kernelStart, kernelEnd));
      const span = Float64Array.of(steps[0]!.start, steps.at(-1)!.end);
      const busy = sumRanges(intersectRanges(span, busyRanges));
      gpuUtilization = span[1]! > span[0]! ? busy / (span[1]! - span[0]!) : 0;
      gpuUtilizationTimeline = utilizationTimeline(
        busyRanges,
        this.profilerSpan?.start ?? this.globalMin,
        this.profilerSpan?.end ?? this.globalMax,
      );
    }
    const smMetrics =
      hasGpu && steps.length > 0
        ? smMetricsOf(this.blocksPerSm.view(), this.occupancy.view(), steps[0]!.start, steps.at(-1)!.end)
        : {};
    const kernelTotal = this.kernels.totalUs;
    // The GPU's memory when the trace has it (device type 1), else whatever device it has.
    const gpuMemory = this.memoryDevice.view().some((d) => d === 1);
    const keep = (_: number, i: number) => !gpuMemory || this.memoryDevice.view()[i] === 1;
    const memoryT = this.memoryT.view().filter(keep);
    const memoryBytes = this.memoryBytes.view().filter(keep);
    const memoryReserved = this.memoryReserved.view().filter(keep);
    return {
      source: 'kineto',
      file,
      devices: devicesOf(metadata),
      ...distributedOf(metadata),
      categories: KINETO_CATEGORIES,
      steps: profileSteps,
      ...(stepsNote ? { stepsNote } : {}),
      ...(gpuUtilization !== undefined ? { gpuUtilization } : {}),
      ...(gpuUtilizationTimeline ? { gpuUtilizationTimeline } : {}),
      ...smMetrics,
      ...(this.spans ? { timeline: this.spans.build() } : {}),
      kernels: this.kernels.table(),
      operators: this.operators.table(),
      ...(hasGpu
        ? {
            launches: {
              kernels: kernelStart.length,
              shortKernels: this.shortKernels,
              shortKernelShare: kernelTotal > 0 ? this.shortKernelUs / kernelTotal : 0,
            },
            tensorCores: { kernelUs: kernelTotal, tensorCoreUs: this.tensorCoreUs, fp32MatrixUs: this.matrixUs },
          }
        : {}),
      ...(memoryT.length > 0
        ? {
            memory: {
              tUs: Float64Array.from(memoryT),
              allocatedBytes: Float64Array.from(memoryBytes),
              ...(memoryReserved.every(Number.isFinite) ? { reservedBytes: Float64Array.from(memoryReserved) } : {}),
              peakBytes: memoryBytes.reduce((a, b) => Math.max(a, b), 0),
            },
          }
        : {}),
      stats: { events: this.events, bytes },
    };
  }

  /**
   * Extends each step to the end of the device work launched by runtime calls inside it (in place) and returns how
   * many trailing steps to drop.
   */
  private extendStepsToDevice(steps: Array<{ name: string; start: number; end: number }>): number {
    const runtimeStart = this.runtimeStart.view();
    const runtimeEnd = this.runtimeEnd.view();
    const runtimeCorrelation = this.runtimeCorrelation.view();
    const deviceStart = this.deviceStart.view();
    const deviceEnd = this.deviceEnd.view();
    const deviceCorrelation = this.deviceCorrelation.view();
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
    if (matchedDevices.size === 0) return 0;

    let previousEnd = steps[0]!.start;
    if (Number.isFinite(deviceMin[0]!)) {
      for (let d = 0; d < deviceStart.length; d++)
        if (!matchedDevices.has(d) && deviceEnd[d]! < deviceMin[0]!) previousEnd = Math.max(previousEnd, deviceEnd[d]!);
    }
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
}
