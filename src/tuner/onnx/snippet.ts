import type { OnnxSessionOptions } from '../../protocol/onnx';

const PYTHON_LEVELS = {
  disabled: 'ORT_DISABLE_ALL',
  basic: 'ORT_ENABLE_BASIC',
  extended: 'ORT_ENABLE_EXTENDED',
  all: 'ORT_ENABLE_ALL',
} as const;

const PYTHON_PROVIDERS: Readonly<Record<string, string>> = {
  cpu: 'CPUExecutionProvider',
  cuda: 'CUDAExecutionProvider',
  tensorrt: 'TensorrtExecutionProvider',
  webgpu: 'WebGpuExecutionProvider',
  coreml: 'CoreMLExecutionProvider',
  dml: 'DmlExecutionProvider',
};

/** The session options as onnxruntime-node takes them (the options file's content). */
export function jsOptions(options: OnnxSessionOptions): Record<string, unknown> {
  return {
    executionProviders: [options.provider],
    ...(options.intraOpThreads !== undefined ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(options.interOpThreads !== undefined ? { interOpNumThreads: options.interOpThreads } : {}),
    ...(options.executionMode ? { executionMode: options.executionMode } : {}),
    ...(options.graphOptimizationLevel ? { graphOptimizationLevel: options.graphOptimizationLevel } : {}),
    ...(options.enableMemPattern !== undefined ? { enableMemPattern: options.enableMemPattern } : {}),
    ...(options.enableCpuMemArena !== undefined ? { enableCpuMemArena: options.enableCpuMemArena } : {}),
    ...(options.allowSpinning !== undefined
      ? { extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } } }
      : {}),
  };
}

/** The code that creates a session with `options`: JavaScript (onnxruntime-node/web) and Python (onnxruntime). */
export function sessionSnippet(modelFile: string, options: OnnxSessionOptions): { javascript: string; python: string } {
  const javascript = `import * as ort from 'onnxruntime-node';\n\nconst session = await ort.InferenceSession.create(${quote(modelFile)}, ${jsLiteral(jsOptions(options), '')});\n`;
  const lines = ['import onnxruntime as ort', '', 'so = ort.SessionOptions()'];
  if (options.intraOpThreads !== undefined) lines.push(`so.intra_op_num_threads = ${options.intraOpThreads}`);
  if (options.interOpThreads !== undefined) lines.push(`so.inter_op_num_threads = ${options.interOpThreads}`);
  if (options.executionMode)
    lines.push(
      `so.execution_mode = ort.ExecutionMode.ORT_${options.executionMode === 'parallel' ? 'PARALLEL' : 'SEQUENTIAL'}`,
    );
  if (options.graphOptimizationLevel)
    lines.push(
      `so.graph_optimization_level = ort.GraphOptimizationLevel.${PYTHON_LEVELS[options.graphOptimizationLevel]}`,
    );
  if (options.enableMemPattern !== undefined)
    lines.push(`so.enable_mem_pattern = ${options.enableMemPattern ? 'True' : 'False'}`);
  if (options.enableCpuMemArena !== undefined)
    lines.push(`so.enable_cpu_mem_arena = ${options.enableCpuMemArena ? 'True' : 'False'}`);
  if (options.allowSpinning !== undefined)
    lines.push(`so.add_session_config_entry('session.intra_op.allow_spinning', '${options.allowSpinning ? 1 : 0}')`);
  const provider = PYTHON_PROVIDERS[options.provider] ?? `${options.provider}ExecutionProvider`;
  lines.push(`session = ort.InferenceSession(${quote(modelFile)}, sess_options=so, providers=['${provider}'])`, '');
  return { javascript, python: lines.join('\n') };
}

const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A value as a JavaScript literal: unquoted keys, single quotes, short arrays on one line, trailing commas. */
function jsLiteral(value: unknown, indent: string): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `[${value.map((v) => jsLiteral(v, indent)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const inner = `${indent}  `;
    const entries = Object.entries(value).map(
      ([k, v]) => `${inner}${/^\w+$/.test(k) ? k : quote(k)}: ${jsLiteral(v, inner)},`,
    );
    return `{\n${entries.join('\n')}\n${indent}}`;
  }
  return String(value);
}
