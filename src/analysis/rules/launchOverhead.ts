import { SHORT_KERNEL_US } from '../kineto/kineto';
import { compileCode } from './pytorchCode';
import { categoryPercent, type Rule } from './rule';

/** Thresholds of the launch-overhead rule: % of step time in exposed kernel launches (runtime calls). */
export const LAUNCH_OVERHEAD = { medium: 3, high: 15 } as const;

/**
 * Small kernels / launch overhead: the CPU's kernel launches (runtime calls) show up in the step's time, i.e. the
 * GPU waits for the CPU to launch work — typical of many short kernels. The evidence includes how many kernels were
 * shorter than SHORT_KERNEL_US. On a PyTorch trace the fix is `torch.compile` (CUDA graphs when launches are severe).
 */
export const launchOverhead: Rule = (profile) => {
  if (!profile.launches) return undefined;
  const percent = categoryPercent(profile, 'runtime');
  if (percent < LAUNCH_OVERHEAD.medium) return undefined;
  const high = percent >= LAUNCH_OVERHEAD.high;
  return {
    id: 'small-kernels',
    severity: high ? 'high' : 'medium',
    title: `${percent}% of each step is spent launching kernels (${profile.launches.shortKernels} of ${profile.launches.kernels} kernels ran under ${SHORT_KERNEL_US} µs)`,
    evidence: {
      runtimePercent: percent,
      threshold: high ? LAUNCH_OVERHEAD.high : LAUNCH_OVERHEAD.medium,
      kernels: profile.launches.kernels,
      shortKernels: profile.launches.shortKernels,
      shortKernelTimePercent: Math.round(profile.launches.shortKernelShare * 10000) / 100,
    },
    ...(profile.source === 'trainlens'
      ? {}
      : { code: { python: compileCode(percent, profile.launches.shortKernels, profile.launches.kernels, high) } }),
  };
};
