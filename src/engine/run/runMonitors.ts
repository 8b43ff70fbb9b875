import { totalmem } from 'node:os';
import type { TrainConfig } from '../../config/types';
import { effectiveSwitches } from '../../config/levels';
import { RUN_PHASES } from '../../protocol/runPhases';
import type { RunEvent } from '../../protocol/runRecord';
import type { BackendName } from '../../protocol/types';
import { GpuSampler } from '../environment/gpuSampler';
import { MemoryMonitor, type MemoryEvent, type MemorySample } from '../train/memoryMonitor';
import { StepProfiler } from '../train/stepProfiler';
import type { RunStore } from './runStore';

/** Steps after the profiling window whose kernels are timed with tf.profile (`monitoring.profiling.kernel_sampling`). */
const KERNEL_SAMPLED_STEPS = 3;

/** What the monitors report to, besides the run store. */
export interface MonitorSinks {
  readonly gpuCount: number;
  readonly nvidiaSmi?: string;
  readonly onMemorySample?: (sample: MemorySample) => void;
  readonly onMemoryEvent?: (event: MemoryEvent | { kind: 'action'; step?: number; message: string }) => void;
}

/** The step profiler, the memory monitor and the GPU sampler of one run, and the trace they write. */
export interface RunMonitors {
  readonly profiler?: StepProfiler;
  readonly memory: MemoryMonitor;
  /** Memory events and actions, for run.json. */
  readonly events: RunEvent[];
  /** Records a memory action the loop took (reduce_batch, dispose_caches). */
  readonly onMemoryAction: (message: string) => void;
  /** The step after which the profiler has recorded everything (window and kernel sampling), if profiling. */
  readonly profiledUntil?: number;
  /** Writes trace.json from what the profiler recorded (nothing when not profiling). */
  writeTrace(): void;
  stop(): void;
}

/** Starts the monitors a config asks for; `profile` turns the step profiler on as `monitoring.profiling.enabled` does. */
export function startMonitors(
  config: TrainConfig,
  profile: boolean,
  store: RunStore,
  trace: { readonly backend: BackendName; readonly configPath: string },
  sinks: MonitorSinks,
): RunMonitors {
  const switches = effectiveSwitches(config.optimization);
  const events: RunEvent[] = [];
  const profiling = config.monitoring?.profiling;
  const warmup = profiling?.warmup_steps ?? 5;
  const windowEnd = warmup + (profiling?.steps ?? 20);
  const kernelSteps = profiling?.kernel_sampling === false ? 0 : KERNEL_SAMPLED_STEPS;
  const profiler =
    profile || profiling?.enabled ? new StepProfiler(warmup, windowEnd, performance.now(), kernelSteps) : undefined;
  const intervalMs = config.monitoring?.memory_interval_ms ?? 500;
  const gpuSampler = new GpuSampler(sinks.gpuCount, intervalMs, sinks.nvidiaSmi);
  const memory = new MemoryMonitor({
    gpu: () => gpuSampler.latest(),
    intervalMs,
    ...(profiler ? { sampleStep: (step: number) => profiler.records(step) } : {}),
    limitBytes: config.engine?.memory_limit_mb !== undefined ? config.engine.memory_limit_mb * 1024 * 1024 : totalmem(),
    warnAt: switches.memory?.warn_at ?? 0.9,
    actAt: switches.memory?.act_at ?? 0.95,
    onSample: (sample) => {
      store.appendMemory(sample);
      sinks.onMemorySample?.(sample);
    },
    onEvent: (event) => {
      events.push(event);
      sinks.onMemoryEvent?.(event);
    },
  });
  return {
    ...(profiler ? { profiler, profiledUntil: windowEnd + kernelSteps } : {}),
    memory,
    events,
    onMemoryAction: (message) => {
      events.push({ kind: 'action', message });
      sinks.onMemoryEvent?.({ kind: 'action', message });
    },
    writeTrace() {
      if (!profiler) return;
      const kernels = profiler.kernelTable();
      store.writeTrace({
        traceEvents: profiler.traceEvents(),
        displayTimeUnit: 'ms',
        trainlens: {
          runId: store.id,
          backend: trace.backend,
          phases: RUN_PHASES,
          configPath: trace.configPath,
          kernelSampledSteps: kernels.steps,
          kernels: kernels.kernels,
        },
      });
    },
    stop: () => gpuSampler.stop(),
  };
}
