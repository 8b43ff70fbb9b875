import type { Rule } from './rule';

/** Thresholds of the kernel-wait rule: % of the GPU's span one stream spends in HTA's kernel wait. */
export const KERNEL_WAIT = { medium: 5, high: 15 } as const;

/**
 * Kernel wait (HTA's idle time breakdown): on some stream the GPU idles in short gaps (under HTA's consecutive-kernel
 * delay) between kernels whose launch calls had already been made, i.e. the per-launch latency of many small
 * kernels back to back, not a CPU that launches late (host wait, which `low-gpu-utilization` and `input-bound`
 * cover). CUDA graphs replay such a sequence without the gaps: `torch.compile(model, mode="reduce-overhead")`.
 */
export const kernelWait: Rule = (profile) => {
  const hta = profile.hta;
  if (!hta || hta.temporal.spanUs <= 0) return undefined;
  let worst = hta.idle.streams[0];
  for (const s of hta.idle.streams) if (s.kernelWaitUs > (worst?.kernelWaitUs ?? 0)) worst = s;
  if (!worst) return undefined;
  const percent = Math.round((10000 * worst.kernelWaitUs) / hta.temporal.spanUs) / 100;
  if (percent < KERNEL_WAIT.medium) return undefined;
  const high = percent >= KERNEL_WAIT.high;
  const delay = hta.idle.consecutiveKernelDelayUs;
  return {
    id: 'kernel-wait',
    severity: high ? 'high' : 'medium',
    title: `Stream ${worst.stream} idles ${percent}% of the GPU's time in gaps under ${delay} µs between kernels already launched`,
    evidence: {
      kernelWaitPercent: percent,
      threshold: high ? KERNEL_WAIT.high : KERNEL_WAIT.medium,
      stream: worst.stream,
      kernelWaitUs: Math.round(worst.kernelWaitUs),
      spanUs: Math.round(hta.temporal.spanUs),
      consecutiveKernelDelayUs: delay,
    },
    code: {
      python: [
        `# ${percent}% of the GPU's span is launch latency between back-to-back kernels (HTA's kernel wait):`,
        '# CUDA graphs replay the sequence without the gaps (needs static shapes).',
        'model = torch.compile(model, mode="reduce-overhead")',
      ].join('\n'),
    },
  };
};
