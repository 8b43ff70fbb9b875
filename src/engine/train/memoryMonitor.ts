import * as tf from '@tensorflow/tfjs';
import type { MemorySampleNotification } from '../../protocol/engine';
import type { GpuInfo } from '../../protocol/types';

/** One memory sample: a row of memory.jsonl, and (with the run id) a `run/memorySample` notification. */
export type MemorySample = Omit<MemorySampleNotification.Params, 'runId'> & { readonly step: number };

/** Something the monitor noticed: a threshold crossed or a tensor leak, with the numbers. */
export interface MemoryEvent {
  readonly kind: 'warn' | 'act' | 'tensor-leak';
  readonly step: number;
  readonly message: string;
  readonly evidence: Readonly<Record<string, number | string>>;
}

/** Step phases at which tensor counts are taken, in order. */
export type Phase = 'data' | 'forward_backward' | 'optimizer' | 'end';
const PHASES: readonly Phase[] = ['data', 'forward_backward', 'optimizer', 'end'];

/** Settings of the monitor (from `monitoring.memory_interval_ms` and `optimization.memory`). */
export interface MemoryMonitorOptions {
  readonly intervalMs: number;
  /** Steps to sample whatever the interval (the profiling window, so its memory timeline has every step). */
  readonly sampleStep?: (step: number) => boolean;
  /** Memory the run may use: `engine.memory_limit_mb`, else the machine's memory. */
  readonly limitBytes: number;
  readonly warnAt: number;
  readonly actAt: number;
  /** Consecutive steps of growing tensor counts that count as a leak. */
  readonly leakWindow?: number;
  readonly onSample?: (sample: MemorySample) => void;
  /** The newest GPU reading (a {@link GpuSampler}'s `latest`), when the machine has GPUs. */
  readonly gpu?: () => readonly GpuInfo[];
  readonly onEvent?: (event: MemoryEvent) => void;
}

/**
 * Watches memory while training: samples tensor count and bytes, RSS and heap at most every `intervalMs`; reports a
 * warning at `warnAt` and asks for the configured action at `actAt` (of `limitBytes`); and finds tensor leaks: the
 * tensor count at the end of a step growing for `leakWindow` steps in a row, naming the phase where it grows.
 * Reading tf.memory() does not sync the device, so this costs no host sync.
 */
export class MemoryMonitor {
  private readonly started = performance.now();
  private lastSample = -Infinity;
  private warned = false;
  private readonly counts: Array<Record<Phase, number>> = [];
  private current: Partial<Record<Phase, number>> = {};
  /** Tensors the data source left behind in each recent step, beyond the batch it handed out. */
  private readonly dataExtra: number[] = [];
  private stepDataExtra = 0;
  private leakReported = false;
  peakBytes = 0;

  constructor(private readonly options: MemoryMonitorOptions) {}

  /**
   * Tells the monitor how many tensors appeared while the data source produced a batch beyond the batch's own
   * (features and targets). A source that keeps tensors shows here, which pins a leak on the data phase for sure.
   */
  noteDataTensors(extra: number): void {
    this.stepDataExtra += extra;
  }

  /** Records the tensor count at a phase boundary of the current step. */
  mark(phase: Phase): void {
    this.current[phase] = tf.memory().numTensors;
  }

  /** Ends a step: samples if due, checks thresholds and leaks. Returns true when the configured action is due. */
  endStep(step: number): boolean {
    this.mark('end');
    this.counts.push(this.current as Record<Phase, number>);
    this.current = {};
    this.dataExtra.push(this.stepDataExtra);
    this.stepDataExtra = 0;
    const window = this.options.leakWindow ?? 20;
    if (this.counts.length > window + 1) this.counts.shift();
    if (this.dataExtra.length > window) this.dataExtra.shift();
    this.checkLeak(step, window);

    const memory = tf.memory();
    this.peakBytes = Math.max(this.peakBytes, memory.numBytes);
    const now = performance.now();
    let act = false;
    if (now - this.lastSample >= this.options.intervalMs || this.options.sampleStep?.(step)) {
      this.lastSample = now;
      const usage = process.memoryUsage();
      this.options.onSample?.({
        tMs: Math.round(now - this.started),
        step,
        tensors: memory.numTensors,
        tensorBytes: memory.numBytes,
        rssBytes: usage.rss,
        heapUsedBytes: usage.heapUsed,
        ...gpuFields(this.options.gpu?.()[0]),
      });
      const fraction = usage.rss / this.options.limitBytes;
      const evidence = {
        rssBytes: usage.rss,
        limitBytes: this.options.limitBytes,
        fraction: Math.round(fraction * 1000) / 1000,
      };
      if (fraction >= this.options.actAt) {
        act = true;
        this.options.onEvent?.({
          kind: 'act',
          step,
          message: `memory at ${(fraction * 100).toFixed(1)}% of the limit (act at ${this.options.actAt * 100}%)`,
          evidence: { ...evidence, threshold: this.options.actAt },
        });
      } else if (fraction >= this.options.warnAt && !this.warned) {
        this.warned = true;
        this.options.onEvent?.({
          kind: 'warn',
          step,
          message: `memory at ${(fraction * 100).toFixed(1)}% of the limit (warn at ${this.options.warnAt * 100}%)`,
          evidence: { ...evidence, threshold: this.options.warnAt },
        });
      }
    }
    return act;
  }

  private checkLeak(step: number, window: number): void {
    if (this.leakReported || this.counts.length < window + 1) return;
    const ends = this.counts.map((c) => c.end);
    for (let i = 1; i < ends.length; i++) if (ends[i]! <= ends[i - 1]!) return;
    // Growing at every step end. Name the phase: the last one in the step whose count rises on average (transient
    // tensors rise early and fall at the end; a leak is a rise that is never undone). A heuristic: tf.memory()
    // counts tensors but cannot say which ones.
    const first = this.counts[0]!;
    const last = this.counts.at(-1)!;
    const average = (phase: Phase, index: number): number => {
      let sum = 0;
      for (let i = 1; i < this.counts.length; i++) {
        const before = index === 0 ? this.counts[i - 1]!.end : this.counts[i]![PHASES[index - 1]!];
        sum += (this.counts[i]![phase] ?? before) - before;
      }
      return sum / (this.counts.length - 1);
    };
    const perStep = (last.end - first.end) / window;
    // Tensors left behind by the data source are counted directly; otherwise the phase is a heuristic guess.
    const fromData = this.dataExtra.reduce((a, b) => a + b, 0) / Math.max(1, this.dataExtra.length);
    const rising = PHASES.filter((p, i) => average(p, i) > 0);
    const phase = fromData >= perStep / 2 ? 'data' : (rising.at(-1) ?? 'end');
    this.leakReported = true;
    this.options.onEvent?.({
      kind: 'tensor-leak',
      step,
      message: `the tensor count grew at the end of each of the last ${window} steps (+${perStep.toFixed(1)} tensors per step, first seen in the ${phase} phase): tensors are not disposed`,
      evidence: { tensorsPerStep: perStep, window, phase, tensors: last.end },
    });
  }
}

function gpuFields(gpu: GpuInfo | undefined): Pick<MemorySample, 'gpuUsedBytes' | 'gpuUtilizationPercent'> {
  return gpu ? { gpuUsedBytes: gpu.memoryUsedBytes, gpuUtilizationPercent: gpu.utilizationPercent } : {};
}
