import { spawn, type ChildProcess } from 'node:child_process';
import type { GpuInfo } from '../../protocol/types';
import { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from './nvidiaSmi';

/**
 * Samples GPU utilization and memory during a run with one long-lived `nvidia-smi -lms INTERVAL` process (a new
 * process per sample would cost far more than the reading). Its output is parsed as it arrives; {@link latest}
 * returns the newest complete sample (one row per GPU), read without any host sync of the training backend.
 * Absent or failing nvidia-smi leaves the sampler empty; a run never fails because of it.
 */
export class GpuSampler {
  private child: ChildProcess | undefined;
  private rows: GpuInfo[] = [];
  private newest: readonly GpuInfo[] = [];
  private pending = '';

  /**
   * @param gpuCount GPUs nvidia-smi lists (from the environment probe): that many rows make one sample.
   * @param command the nvidia-smi executable (tests give a stand-in, as no GPU exists on the test machines).
   */
  constructor(
    private readonly gpuCount: number,
    intervalMs: number,
    command = 'nvidia-smi',
  ) {
    if (gpuCount <= 0) return;
    try {
      this.child = spawn(command, [...NVIDIA_SMI_ARGS, `-lms=${Math.max(100, Math.round(intervalMs))}`], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      return;
    }
    this.child.on('error', () => (this.child = undefined));
    this.child.unref();
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => this.take(chunk));
  }

  /** The newest complete sample: one row per GPU, or none. */
  latest(): readonly GpuInfo[] {
    return this.newest;
  }

  /** Ends the nvidia-smi process. */
  stop(): void {
    this.child?.kill();
    this.child = undefined;
  }

  private take(chunk: string): void {
    const text = this.pending + chunk;
    const end = text.lastIndexOf('\n');
    this.pending = text.slice(end + 1);
    for (const row of parseNvidiaSmiCsv(text.slice(0, end + 1))) {
      this.rows.push(row);
      if (this.rows.length === this.gpuCount) {
        this.newest = this.rows;
        this.rows = [];
      }
    }
  }
}
