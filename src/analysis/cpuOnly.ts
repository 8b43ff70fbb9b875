/**
 * CPU-only traces: a PyTorch trace with no device events at all (a CPU build, a CPU-only job, the legacy exporter of
 * a build without CUDA) cannot spend time in kernels, copies, fills or CUDA runtime calls, so the reports leave
 * those categories out of the breakdown instead of showing four rows of zeros, and say once why.
 */
import type { Category, Profile } from './profile';

/** The categories only a device can fill: Kineto's kernel, memcpy, memset and (CUDA/HIP) runtime. */
export const DEVICE_CATEGORIES: readonly Category[] = ['kernel', 'memcpy', 'memset', 'runtime'];

/**
 * Whether a profile is a PyTorch trace without device activity: no kernels, no GPU utilization, and not one µs of
 * any device category in any step.
 */
export function isCpuOnly(profile: Profile): boolean {
  if (profile.source !== 'kineto' || profile.kernels.length > 0 || profile.gpuUtilization !== undefined) return false;
  if (profile.steps.length === 0) return false;
  return profile.steps.every((step) => DEVICE_CATEGORIES.every((category) => !step.breakdown[category]));
}

/** The categories the reports show: all of them, or for a CPU-only trace those that can occur without a device. */
export function shownCategories(profile: Profile): readonly Category[] {
  return isCpuOnly(profile) ? profile.categories.filter((c) => !DEVICE_CATEGORIES.includes(c)) : profile.categories;
}
