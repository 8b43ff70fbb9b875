import { execFile } from 'node:child_process';
import type { GpuInfo } from '../../protocol/types';

/** The `nvidia-smi` query that {@link parseNvidiaSmiCsv} understands, in this column order. */
export const NVIDIA_SMI_ARGS = [
  '--query-gpu=name,memory.total,memory.used,utilization.gpu,driver_version',
  '--format=csv,noheader,nounits',
];

const MIB = 1024 * 1024;

/**
 * Parses `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` output (memory in MiB) into GPU rows.
 * Lines that do not have the five expected columns are skipped rather than guessed at.
 */
export function parseNvidiaSmiCsv(text: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cols = line.split(',').map((c) => c.trim());
    if (cols.length !== 5 || cols[0] === '') continue;
    const [name, total, used, util, driver] = cols as [string, string, string, string, string];
    const totalMiB = Number(total);
    const usedMiB = Number(used);
    if (!Number.isFinite(totalMiB) || !Number.isFinite(usedMiB)) continue;
    const utilization = Number(util);
    gpus.push({
      name,
      memoryTotalBytes: totalMiB * MIB,
      memoryUsedBytes: usedMiB * MIB,
      // "[N/A]" appears for utilization on some virtualized GPUs; report 0 rather than NaN.
      utilizationPercent: Number.isFinite(utilization) ? utilization : 0,
      driverVersion: driver,
    });
  }
  return gpus;
}

/** What {@link queryNvidiaSmi} found: the GPUs, or none and the reason. */
export interface GpuQueryResult {
  readonly gpus: GpuInfo[];
  readonly reason?: string;
}

/** Runs `nvidia-smi` (when it is on PATH) and reports the GPUs, or why none could be listed. */
export function queryNvidiaSmi(timeoutMs = 5000): Promise<GpuQueryResult> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', NVIDIA_SMI_ARGS, { timeout: timeoutMs }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === 'ENOENT'
            ? 'nvidia-smi is not on PATH: no NVIDIA driver is installed on this machine'
            : `nvidia-smi failed: ${error.message.split('\n')[0]}`;
        resolve({ gpus: [], reason });
        return;
      }
      const gpus = parseNvidiaSmiCsv(stdout);
      resolve(gpus.length > 0 ? { gpus } : { gpus, reason: 'nvidia-smi listed no GPU' });
    });
  });
}
