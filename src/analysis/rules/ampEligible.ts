import { autocastCode } from './pytorchCode';
import type { Rule } from './rule';

/** Share of kernel time in matrix/convolution kernels without tensor cores that makes mixed precision worth it. */
export const AMP_ELIGIBLE_PERCENT = 20;

/**
 * AMP-eligible: on a GPU with tensor cores (compute capability 7.0 or later), a large share of the kernel time is
 * matrix multiplications and convolutions running without them (FP32 kernels, by name). Mixed precision (FP16/BF16)
 * moves them onto tensor cores; on a PyTorch trace the fix is `torch.autocast` (BF16 from compute capability 8.0, else
 * FP16 with a GradScaler).
 */
export const ampEligible: Rule = (profile) => {
  const tc = profile.tensorCores;
  const capability = Number(profile.devices[0]?.computeCapability ?? 0);
  if (!tc || tc.kernelUs <= 0 || capability < 7) return undefined;
  const percent = Math.round((tc.fp32MatrixUs / tc.kernelUs) * 10000) / 100;
  if (percent < AMP_ELIGIBLE_PERCENT) return undefined;
  return {
    id: 'amp-eligible',
    severity: 'medium',
    title: `${percent}% of the kernel time is matrix and convolution work without tensor cores`,
    evidence: {
      fp32MatrixPercent: percent,
      tensorCorePercent: Math.round((tc.tensorCoreUs / tc.kernelUs) * 10000) / 100,
      computeCapability: capability,
      threshold: AMP_ELIGIBLE_PERCENT,
    },
    ...(profile.source === 'trainlens' ? {} : { code: { python: autocastCode(capability, percent) } }),
  };
};
