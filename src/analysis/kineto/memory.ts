/** The memory timeline of a Kineto trace, from its `[memory]` events. */
import type { Profile } from '../profile';
import { Numbers } from './numbers';

/**
 * The memory timeline from the `[memory]` events' columns (time, `Total Allocated`, `Total Reserved` or NaN,
 * `Device Type`): the GPU's memory when the trace has it (device type 1), else whatever device it has. Reserved bytes
 * are kept only when every kept event has them.
 */
export function memoryOf(
  t: Float64Array,
  allocated: Float64Array,
  reserved: Float64Array,
  device: Float64Array,
): Pick<Profile, 'memory'> {
  const gpuMemory = device.some((d) => d === 1);
  const keep = (_: number, i: number) => !gpuMemory || device[i] === 1;
  const memoryT = t.filter(keep);
  const memoryBytes = allocated.filter(keep);
  const memoryReserved = reserved.filter(keep);
  return memoryT.length > 0
    ? {
        memory: {
          tUs: Float64Array.from(memoryT),
          allocatedBytes: Float64Array.from(memoryBytes),
          ...(memoryReserved.every(Number.isFinite) ? { reservedBytes: Float64Array.from(memoryReserved) } : {}),
          peakBytes: memoryBytes.reduce((a, b) => Math.max(a, b), 0),
        },
      }
    : {};
}

/** Memory samples kept per curve before it is decimated (min and max of each group of four kept, in time order). */
export const MAX_MEMORY_SAMPLES = 1 << 18;

/** One curve's samples: time, allocated and reserved bytes, with what decimation must not lose. */
class Curve {
  t = new Numbers();
  allocated = new Numbers();
  reserved = new Numbers();
  /** Whether every sample (kept or not) had its reserved bytes. */
  reservedEverywhere = true;
  peak = -Infinity;
  samples = 0;

  push(t: number, allocated: number, reserved: number, limit: number): void {
    this.samples++;
    if (allocated > this.peak) this.peak = allocated;
    if (!Number.isFinite(reserved)) this.reservedEverywhere = false;
    this.t.push(t);
    this.allocated.push(allocated);
    this.reserved.push(reserved);
    if (this.t.length >= 2 * limit) this.decimate();
  }

  /** Halves the samples: of each group of four, the lowest and the highest (in their order), so peaks stay. */
  private decimate(): void {
    const next = new Curve();
    const { t, allocated, reserved } = this;
    const keep = (i: number) => {
      next.t.push(t.data[i]!);
      next.allocated.push(allocated.data[i]!);
      next.reserved.push(reserved.data[i]!);
    };
    for (let from = 0; from < t.length; from += 4) {
      const to = Math.min(from + 4, t.length);
      let low = from;
      let high = from;
      for (let i = from + 1; i < to; i++) {
        if (allocated.data[i]! < allocated.data[low]!) low = i;
        if (allocated.data[i]! > allocated.data[high]!) high = i;
      }
      keep(Math.min(low, high));
      if (low !== high) keep(Math.max(low, high));
    }
    ({ t: this.t, allocated: this.allocated, reserved: this.reserved } = next);
  }
}

/**
 * The memory timeline of `[memory]` events as they stream: the GPU's curve (device type 1) and the curve of every
 * device, each decimated past {@link MAX_MEMORY_SAMPLES} (the peak stays exact). Under the limit it gives what
 * {@link memoryOf} gives from all the samples.
 */
export class MemoryCurves {
  private readonly gpu = new Curve();
  private readonly all = new Curve();

  constructor(private readonly limit = MAX_MEMORY_SAMPLES) {}

  add(t: number, allocated: number, reserved: number, device: number): void {
    if (device === 1) this.gpu.push(t, allocated, reserved, this.limit);
    // Every device's curve matters only while no GPU sample has come.
    if (this.gpu.samples === 0) this.all.push(t, allocated, reserved, this.limit);
  }

  build(): Pick<Profile, 'memory'> {
    const curve = this.gpu.samples > 0 ? this.gpu : this.all;
    if (curve.samples === 0) return {};
    return {
      memory: {
        tUs: Float64Array.from(curve.t.view()),
        allocatedBytes: Float64Array.from(curve.allocated.view()),
        ...(curve.reservedEverywhere ? { reservedBytes: Float64Array.from(curve.reserved.view()) } : {}),
        peakBytes: Math.max(0, curve.peak),
      },
    };
  }
}
