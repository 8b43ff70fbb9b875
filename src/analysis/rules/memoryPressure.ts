import type { Rule } from './rule';

/** Peak memory at or above this share of the device's memory is pressure. */
export const MEMORY_PRESSURE_PERCENT = 90;

/** Memory pressure: the allocated-memory curve peaks near the device's capacity. */
export const memoryPressure: Rule = (profile) => {
  const device = profile.devices[0]?.memoryBytes;
  if (!profile.memory || !device) return undefined;
  const percent = Math.round((profile.memory.peakBytes / device) * 10000) / 100;
  if (percent < MEMORY_PRESSURE_PERCENT) return undefined;
  return {
    id: 'memory-pressure',
    severity: percent >= 97 ? 'high' : 'medium',
    title: `Allocated memory peaks at ${percent}% of the device's ${(device / 1024 ** 3).toFixed(1)} GiB`,
    evidence: {
      peakBytes: profile.memory.peakBytes,
      deviceBytes: device,
      peakPercent: percent,
      threshold: MEMORY_PRESSURE_PERCENT,
    },
  };
};
