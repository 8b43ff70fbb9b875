import { biggerBatchCode } from './pytorchCode';
import type { Rule } from './rule';

/** Below this share of the analysed span with a kernel running, the GPU is under-used. */
export const LOW_GPU_UTILIZATION_PERCENT = 50;

/** Low GPU utilization: kernels ran during less than half of the analysed steps. Fix: a larger batch. */
export const lowGpuUtilization: Rule = (profile) => {
  if (profile.gpuUtilization === undefined) return undefined;
  const percent = Math.round(profile.gpuUtilization * 10000) / 100;
  if (percent >= LOW_GPU_UTILIZATION_PERCENT) return undefined;
  return {
    id: 'low-gpu-utilization',
    severity: percent < LOW_GPU_UTILIZATION_PERCENT / 2 ? 'high' : 'medium',
    title: `The GPU ran kernels during only ${percent}% of the step time`,
    evidence: { gpuUtilizationPercent: percent, threshold: LOW_GPU_UTILIZATION_PERCENT },
    ...(profile.source === 'trainlens' ? {} : { code: { python: biggerBatchCode(percent) } }),
  };
};
