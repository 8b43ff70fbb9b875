import type { Finding } from '../../protocol/types';
import { memoryCode } from './pytorchCode';
import type { Rule } from './rule';
import { formatBytes } from '../../common/format';

/** Peak memory at or above this share of the device's memory, or of the run's memory limit, is pressure. */
export const MEMORY_PRESSURE_PERCENT = 90;

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Memory pressure: allocated memory peaks near the device's capacity (traces with device properties), or a
 * TrainLens run's resident memory peaks near its limit (`engine.memory_limit_mb`, else the machine's memory). For a
 * run the fix halves the batch, the largest share of a step's memory that the config controls; for a trace it is
 * PyTorch code: a smaller batch with gradient accumulation, `set_to_none` and activation checkpointing.
 */
export const memoryPressure: Rule = (profile) => {
  const memory = profile.memory;
  if (!memory) return undefined;
  const device = profile.devices[0]?.memoryBytes;
  let finding: Finding | undefined;
  if (device) {
    const percent = round2((memory.peakBytes / device) * 100);
    if (percent >= MEMORY_PRESSURE_PERCENT)
      finding = {
        id: 'memory-pressure',
        severity: percent >= 97 ? 'high' : 'medium',
        title: `Allocated memory peaks at ${percent}% of the device's ${formatBytes(device)}`,
        evidence: {
          peakBytes: memory.peakBytes,
          deviceBytes: device,
          peakPercent: percent,
          threshold: MEMORY_PRESSURE_PERCENT,
        },
        ...(profile.source === 'trainlens' ? {} : { code: { python: memoryCode(percent, memory.peakBytes, device) } }),
      };
  }
  if (!finding && memory.limitBytes && memory.peakRssBytes) {
    const percent = round2((memory.peakRssBytes / memory.limitBytes) * 100);
    if (percent >= MEMORY_PRESSURE_PERCENT) {
      const batch = profile.run?.batchSize;
      finding = {
        id: 'memory-pressure',
        severity: percent >= 97 ? 'high' : 'medium',
        title: `The run's memory peaks at ${percent}% of its ${(memory.limitBytes / 1024 ** 2).toFixed(0)} MiB limit`,
        evidence: {
          peakRssBytes: memory.peakRssBytes,
          limitBytes: memory.limitBytes,
          peakPercent: percent,
          threshold: MEMORY_PRESSURE_PERCENT,
        },
        ...(batch && batch > 1
          ? {
              fix: {
                path: 'data.batch_size',
                value: Math.floor(batch / 2),
                description: `Halve the batch (${batch} → ${Math.floor(batch / 2)}), or raise engine.memory_limit_mb if the machine has the memory.`,
              },
            }
          : {}),
      };
    }
  }
  return finding;
};
