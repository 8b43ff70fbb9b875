/** The memory timeline of a Kineto trace, from its `[memory]` events. */
import type { Profile } from '../profile';

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
