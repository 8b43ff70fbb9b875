import type { Rule } from './rule';

/** One kernel (or, without kernels, one operator) at or above this share of all of them dominates. */
export const DOMINANT_OP_PERCENT = 50;

/** Dominant op: one kernel (or ONNX Runtime op type) takes half the time: where optimization pays first. */
export const dominantOp: Rule = (profile) => {
  // Kernels, or ONNX Runtime's op types; nested CPU operators (Kineto, Chrome) would count time twice.
  const list = profile.kernels.length > 0 ? profile.kernels : profile.source === 'onnxruntime' ? profile.operators : [];
  if (list.length < 2) return undefined;
  const total = list.reduce((a, op) => a + op.totalUs, 0);
  const top = list[0]!;
  const percent = total > 0 ? Math.round((top.totalUs / total) * 10000) / 100 : 0;
  if (percent < DOMINANT_OP_PERCENT) return undefined;
  return {
    id: 'dominant-op',
    severity: 'info',
    title: `${top.name.length > 80 ? `${top.name.slice(0, 77)}...` : top.name} takes ${percent}% of the ${profile.kernels.length > 0 ? 'kernel' : 'operator'} time`,
    evidence: { name: top.name, percent, calls: top.calls, threshold: DOMINANT_OP_PERCENT },
  };
};
