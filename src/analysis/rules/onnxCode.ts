/**
 * What the ONNX Runtime rules share: provider names as the profile, onnxruntime-node and Python spell them, and
 * session options written as code for a finding's `code` (JavaScript's options object, Python's `so.…` lines).
 */
import type { OnnxGraphOptimizationLevel } from '../../protocol/onnx';

/** A provider name in one spelling for comparison: `CUDAExecutionProvider`, `CUDA` and `cuda` are all `cuda`. */
export function providerKey(provider: string): string {
  return provider.replace(/ExecutionProvider$/i, '').toLowerCase();
}

/** Python's provider names by TrainLens's (`cuda` → `CUDAExecutionProvider`). */
const PYTHON_PROVIDERS: Readonly<Record<string, string>> = {
  cpu: 'CPUExecutionProvider',
  cuda: 'CUDAExecutionProvider',
  tensorrt: 'TensorrtExecutionProvider',
  rocm: 'ROCMExecutionProvider',
  migraphx: 'MIGraphXExecutionProvider',
  dml: 'DmlExecutionProvider',
  coreml: 'CoreMLExecutionProvider',
  openvino: 'OpenVINOExecutionProvider',
  qnn: 'QNNExecutionProvider',
  webgpu: 'WebGpuExecutionProvider',
  xnnpack: 'XnnpackExecutionProvider',
};

/** The Python `providers=[…]` name of a provider. */
export function pythonProvider(provider: string): string {
  const key = providerKey(provider);
  return PYTHON_PROVIDERS[key] ?? `${provider}ExecutionProvider`;
}

/** Python's names of the graph optimization levels. */
export const PYTHON_LEVELS: Readonly<Record<OnnxGraphOptimizationLevel, string>> = {
  disabled: 'ORT_DISABLE_ALL',
  basic: 'ORT_ENABLE_BASIC',
  extended: 'ORT_ENABLE_EXTENDED',
  all: 'ORT_ENABLE_ALL',
};

/** A JavaScript value as it is written in an options object (strings single-quoted). */
function jsValue(value: string | number | readonly string[]): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  return `[${value.map(jsValue).join(', ')}]`;
}

/** An onnxruntime-node session options object: `{ intraOpNumThreads: 2, executionMode: 'parallel' }`. */
export function jsOptions(options: Readonly<Record<string, string | number | readonly string[]>>): string {
  return `{ ${Object.entries(options)
    .map(([key, value]) => `${key}: ${jsValue(value)}`)
    .join(', ')} }`;
}

/** Share (0–100, two decimals) of `part` in `whole`; 0 when `whole` is 0, so evidence stays finite. */
export function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.round((10000 * part) / whole) / 100 : 0;
}
