import { CommLedger } from '../distributed/commLedger';
import { MAX_NAMES, OpTotals } from '../opTotals';
import type { Profile } from '../profile';
import { KINETO_CATEGORIES } from '../profile';
import type { Ranges } from '../ranges';
import type { SpanRecorder } from '../spans';
import { HtaAccumulator } from '../hta/accumulator';
import { gpuUtilizationOfBusy, smMetricsOf } from './gpuMetrics';
import { IdSet } from './idSet';
import { LaunchMatcher } from './launches';
import { MemoryCurves } from './memory';
import { devicesOf, distributedOf } from './metadata';
import { Numbers } from './numbers';
import { DEFAULT_BUDGET, IntervalUnion, unionRanges } from './roles';
import { analysedSteps, stepBreakdowns, type StepSpan } from './steps';

// Everything `add` uses for each event (these tables, `numberArg`, `record`) stays in this file: under tsx, imports
// from another module are read through that module's exports object, one more lookup per event on the hot path.

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

function numberArg(args: unknown, ...names: string[]): number | undefined {
  if (!args || typeof args !== 'object') return undefined;
  for (const name of names) {
    const value = (args as Record<string, unknown>)[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

/** Options of {@link KinetoProfileBuilder}. */
export interface KinetoBuilderOptions {
  /**
   * Raw intervals (and launches) held before they are merged into unions or settled (default 65,536).
   * `Infinity` keeps every event until the end, as the builder did before it aggregated while streaming.
   */
  readonly budget?: number;
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
 *
 * Memory stays bounded by the unions of each role's intervals rather than by the events: raw intervals are merged
 * into unions as they pass a budget (`roles.ts`), launches are matched to steps as they stream (`launches.ts`), and
 * a kernel is told communication or compute once its collective could have been seen. Each is exact; where the
 * trace's order breaks what settling early assumes, {@link exact} turns false (read it again with
 * `budget: Infinity`).
 */
export class KinetoProfileBuilder {
  private readonly roles: IntervalUnion[];
  /** Kernels launched by a collective (communication); the other kernels are the KERNEL role. */
  private readonly commKernels: IntervalUnion;
  /** Kernels not told communication or compute yet: start, end, external id (flat triples). */
  private kernelsPending = new Numbers();
  private kernelsLimit: number;
  /** External ids of the kernels already counted as compute: a collective with one of them comes too late. */
  private readonly computeIds = new IdSet();
  private kernelCount = 0;
  /** Compute kernel ranges at which the roles below are next pruned (see `prune`). */
  private pruneAt: number;
  private readonly launches: LaunchMatcher;
  private readonly budget: number;
  /** Kernels with a positive `blocks per SM`: start, end, value (flat triples). */
  private readonly blocksPerSm = new Numbers();
  /** Kernels with `est. achieved occupancy %`: start, end, value (flat triples). */
  private readonly occupancy = new Numbers();
  private readonly collectiveIds = new Set<number>();
  private readonly steps: StepSpan[] = [];
  private readonly kernels = new OpTotals();
  private readonly operators = new OpTotals();
  /** The `[memory]` events' curves (`Device Type` 0 CPU, 1 CUDA), decimated past a limit. */
  private readonly memory = new MemoryCurves();
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
  /** HTA's breakdowns and launch statistics, fed every complete event (src/analysis/hta). */
  private readonly hta = new HtaAccumulator();
  /** Communication and computation kernel intervals and collectives, for the multi-rank analysis. */
  private readonly comms = new CommLedger();
  events = 0;

  private lateCollective = false;
  /** Per kernel name: 1 tensor-core kernel, 2 other matrix kernel, 0 neither (the regular expressions run once). */
  private readonly kernelKinds = new Map<string, number>();

  /** @param spans where to record the spans for the timeline view, when it is wanted. */
  constructor(
    private readonly spans?: SpanRecorder,
    options: KinetoBuilderOptions = {},
  ) {
    const budget = Math.max(1, options.budget ?? DEFAULT_BUDGET);
    this.budget = budget;
    this.roles = Array.from({ length: ROLES }, () => new IntervalUnion(budget));
    this.commKernels = new IntervalUnion(budget);
    this.kernelsLimit = budget;
    this.pruneAt = budget;
    this.launches = new LaunchMatcher(this.steps, budget);
  }

  /**
   * Whether the aggregates equal what holding every event would give. False only for traces in an order no
   * profiler writes (a step that starts before launches already settled, a correlation id used twice, a collective
   * after the kernels it launched were counted): read such a trace again with `budget: Infinity`.
   */
  get exact(): boolean {
    return this.launches.exact && !this.lateCollective;
  }

  /** Takes one trace event. */
  add(event: Record<string, unknown>): void {
    this.events++;
    const ph = event['ph'];
    if (ph === 'i' && event['name'] === '[memory]') {
      const ts = event['ts'];
      const allocated = numberArg(event['args'], 'Total Allocated');
      if (typeof ts === 'number' && allocated !== undefined) {
        this.memory.add(
          ts,
          allocated,
          numberArg(event['args'], 'Total Reserved') ?? Number.NaN,
          numberArg(event['args'], 'Device Type') ?? 1,
        );
      }
      return;
    }
    if (ph !== 'X') return;
    this.hta.add(event);
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
    this.comms.add(type, name, ts, end, args);

    switch (type) {
      case 'kernel': {
        this.kernel(ts, end, numberArg(args, 'external id', 'External id') ?? Number.NaN);
        const blocks = numberArg(args, 'blocks per SM');
        if (blocks !== undefined && blocks > 0) this.blocksPerSm.push3(ts, end, blocks);
        const occupancy = numberArg(args, 'est. achieved occupancy %');
        if (occupancy !== undefined && occupancy >= 0) this.occupancy.push3(ts, end, occupancy);
        this.device(ts, end, args);
        this.kernels.add(name, dur);
        let kind = this.kernelKinds.get(name);
        if (kind === undefined) {
          kind = TENSOR_CORE_MARKERS.test(name) ? 1 : MATRIX_KERNEL.test(name) ? 2 : 0;
          if (this.kernelKinds.size < MAX_NAMES) this.kernelKinds.set(name, kind);
        }
        if (kind === 1) this.tensorCoreUs += dur;
        else if (kind === 2) this.matrixUs += dur;
        if (dur < SHORT_KERNEL_US) {
          this.shortKernels++;
          this.shortKernelUs += dur;
        }
        return;
      }
      case 'memcpy':
      case 'memset':
        this.roles[type === 'memcpy' ? MEMCPY : MEMSET]!.push(ts, end);
        this.device(ts, end, args);
        return;
      case 'runtime':
        this.roles[RUNTIME]!.push(ts, end);
        this.launches.addRuntime(ts, end, numberArg(args, 'correlation') ?? Number.NaN);
        return;
      case 'step': {
        this.steps.push({ name: name.slice('ProfilerStep#'.length), start: ts, end });
        this.launches.noteStep(ts, end);
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
          this.roles[DATALOADER]!.push(ts, end);
        } else if (COLLECTIVES.has(name)) {
          this.roles[COMMUNICATION]!.push(ts, end);
          const external = numberArg(args, 'external id', 'External id');
          if (external !== undefined) {
            this.collectiveIds.add(external);
            if (this.computeIds.has(external)) this.lateCollective = true;
          }
        } else {
          this.roles[CPU_EXEC]!.push(ts, end);
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
    this.launches.addDevice(start, end, numberArg(args, 'correlation') ?? Number.NaN);
  }

  private kernel(start: number, end: number, external: number): void {
    this.kernelCount++;
    this.kernelsPending.push3(start, end, external);
    if (this.kernelsPending.length >= 3 * this.kernelsLimit) {
      this.sortKernels();
      this.kernelsLimit = Math.max(this.budget, this.kernelsPending.length / 3);
    }
  }

  /**
   * Tells the pending kernels communication (launched by a collective seen so far) or compute. Kineto files list
   * the CPU operations first, so a collective comes before its kernels; one that comes after kernels already
   * counted as compute makes the result inexact (see {@link exact}). Kernels without a plain external id wait.
   */
  private sortKernels(final = false): void {
    const data = this.kernelsPending.data;
    const waiting = new Numbers();
    for (let i = 0; i < this.kernelsPending.length; i += 3) {
      const external = data[i + 2]!;
      if (this.collectiveIds.has(external)) this.commKernels.push(data[i]!, data[i + 1]!);
      else if (final || external !== external || Number.isSafeInteger(external)) {
        this.roles[KERNEL]!.push(data[i]!, data[i + 1]!);
        if (external === external) this.computeIds.add(external);
      } else waiting.push3(data[i]!, data[i + 1]!, external);
    }
    this.kernelsPending = waiting;
    if (!final && this.roles[KERNEL]!.size >= this.pruneAt) this.prune();
  }

  /**
   * Takes the compute kernels' union out of the roles below them (memcpy to runtime): runtime calls and copies
   * mostly run while kernels do, so this keeps those unions small. Exact: see `IntervalUnion.without`.
   */
  private prune(): void {
    const kernels = this.roles[KERNEL]!.ranges();
    for (const role of [MEMCPY, MEMSET, COMMUNICATION, RUNTIME]) this.roles[role]!.without(kernels);
    this.pruneAt = Math.max(this.budget, 2 * (kernels.length / 2));
  }

  private cpu(start: number, end: number): void {
    if (start < this.cpuMin) this.cpuMin = start;
    if (end > this.cpuMax) this.cpuMax = end;
  }

  /** The profile, once every event has been added. */
  build(file: string, metadata: Readonly<Record<string, unknown>>, bytes: number): Profile {
    const roleRanges = this.roleRanges();
    const { steps, stepsNote } = analysedSteps(this.steps, this.cpuMin, this.cpuMax, (sorted) =>
      this.launches.result(sorted),
    );
    const hasGpu = this.kernelCount > 0;
    // The GPU metrics cover the analysed span: from the first step's start to the last one's end.
    const span = hasGpu && steps.length > 0 ? { start: steps[0]!.start, end: steps.at(-1)!.end } : undefined;
    const kernelTotal = this.kernels.totalUs;
    const hta = this.hta.build(distributedOf(metadata).distributed?.rank);
    const comms = this.comms.build(steps.length > 0 ? { start: steps[0]!.start, end: steps.at(-1)!.end } : undefined);
    return {
      source: 'kineto',
      file,
      devices: devicesOf(metadata),
      ...distributedOf(metadata),
      categories: KINETO_CATEGORIES,
      steps: stepBreakdowns(steps, roleRanges),
      ...(stepsNote ? { stepsNote } : {}),
      ...(span
        ? gpuUtilizationOfBusy(
            unionRanges(roleRanges[KERNEL]!, this.commKernels.ranges()),
            span.start,
            span.end,
            this.profilerSpan?.start ?? this.globalMin,
            this.profilerSpan?.end ?? this.globalMax,
          )
        : {}),
      ...(span ? smMetricsOf(this.blocksPerSm.view(), this.occupancy.view(), span.start, span.end) : {}),
      ...(this.spans ? { timeline: this.spans.build() } : {}),
      kernels: this.kernels.table(),
      operators: this.operators.table(),
      ...(hasGpu
        ? {
            launches: {
              kernels: this.kernelCount,
              shortKernels: this.shortKernels,
              shortKernelShare: kernelTotal > 0 ? this.shortKernelUs / kernelTotal : 0,
            },
            tensorCores: { kernelUs: kernelTotal, tensorCoreUs: this.tensorCoreUs, fp32MatrixUs: this.matrixUs },
          }
        : {}),
      ...this.memory.build(),
      ...(hta ? { hta } : {}),
      ...(comms ? { comms } : {}),
      stats: { events: this.events, bytes },
    };
  }

  /**
   * Each role's time ranges, merged, in priority order. Kernels launched by a collective are communication; the
   * others are compute kernels (see `sortKernels`: the collective that launched a kernel may come after it).
   */
  private roleRanges(): Ranges[] {
    this.sortKernels(true);
    return this.roles.map((role, i) =>
      i === COMMUNICATION ? unionRanges(role.ranges(), this.commKernels.ranges()) : role.ranges(),
    );
  }
}
