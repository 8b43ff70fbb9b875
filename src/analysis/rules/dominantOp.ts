import type { FindingCode } from '../../protocol/types';
import type { Profile } from '../profile';
import { jsOptions, PYTHON_LEVELS } from './onnxCode';
import { dominantKernelCode } from './pytorchCode';
import type { Rule } from './rule';

/** One kernel (or, without kernels, one operator) at or above this share of all of them dominates. */
export const DOMINANT_OP_PERCENT = 50;

/** ONNX op types that ONNX Runtime's dynamic quantization turns into integer kernels (its IntegerOps registry). */
const QUANTIZABLE_OPS = new Set(['Conv', 'MatMul', 'Gemm', 'Attention', 'LSTM', 'Gather', 'EmbedLayerNormalization']);

/**
 * An ONNX Runtime op type's fix: 8-bit weights through dynamic quantization where ONNX Runtime has integer kernels
 * for the op, else every graph optimization (the op fused with its neighbours).
 */
export function onnxDominantCode(opType: string, percent: number): FindingCode {
  const why = `# ${opType} takes ${percent}% of the node time`;
  if (QUANTIZABLE_OPS.has(opType))
    return {
      python: [
        `${why}: 8-bit integer weights make it cheaper (check the accuracy after).`,
        'from onnxruntime.quantization import QuantType, quantize_dynamic',
        `quantize_dynamic("model.onnx", "model.int8.onnx", op_types_to_quantize=["${opType}"], weight_type=QuantType.QInt8)`,
      ].join('\n'),
    };
  return {
    javascript: jsOptions({ graphOptimizationLevel: 'all' }),
    python: `${why}: fuse it with its neighbours.\nso.graph_optimization_level = ort.GraphOptimizationLevel.${PYTHON_LEVELS.all}`,
  };
}

/** The fix as code: ONNX Runtime's for its op types, PyTorch's for a trace's kernel; a TrainLens run has none. */
function codeOf(profile: Profile, name: string, percent: number): FindingCode | undefined {
  if (profile.source === 'onnxruntime') return onnxDominantCode(name, percent);
  if (profile.source === 'trainlens') return undefined;
  return { python: dominantKernelCode(name, percent) };
}

/** Dominant op: one kernel (or ONNX Runtime op type) takes half the time: where optimization pays first. */
export const dominantOp: Rule = (profile) => {
  // Kernels, or ONNX Runtime's op types; nested CPU operators (Kineto, Chrome) would count time twice.
  const list = profile.kernels.length > 0 ? profile.kernels : profile.source === 'onnxruntime' ? profile.operators : [];
  if (list.length < 2) return undefined;
  const total = list.reduce((a, op) => a + op.totalUs, 0);
  const top = list[0]!;
  const percent = total > 0 ? Math.round((top.totalUs / total) * 10000) / 100 : 0;
  if (percent < DOMINANT_OP_PERCENT) return undefined;
  const code = codeOf(profile, top.name, percent);
  return {
    id: 'dominant-op',
    severity: 'info',
    title: `${top.name.length > 80 ? `${top.name.slice(0, 77)}...` : top.name} takes ${percent}% of the ${profile.kernels.length > 0 ? 'kernel' : 'operator'} time`,
    evidence: { name: top.name, percent, calls: top.calls, threshold: DOMINANT_OP_PERCENT },
    ...(code ? { code } : {}),
  };
};
