import { nodeTotalUs } from '../onnxReport';
import { jsOptions, percentOf, providerKey, pythonProvider } from './onnxCode';
import type { Rule } from './rule';

/** CPU nodes at or above this share of node time make the fallback high severity. */
export const PROVIDER_FALLBACK_HIGH_PERCENT = 20;

/**
 * Provider fallback (ONNX sessions TrainLens profiled): a GPU or accelerator provider was requested but some nodes
 * ran on CPU, because the provider has no kernel for them (or did not load at all): each switch also copies
 * tensors between host and device. The evidence names the op types, so the user knows which ops to replace.
 */
export const providerFallback: Rule = (profile) => {
  const onnx = profile.onnx;
  const requested = onnx?.requestedProvider ?? onnx?.session?.provider;
  if (!onnx || !requested || providerKey(requested) === 'cpu') return undefined;
  const cpu = onnx.nodes.filter((n) => providerKey(n.provider) === 'cpu');
  if (cpu.length === 0) return undefined;
  const cpuUs = cpu.reduce((a, n) => a + n.totalUs, 0);
  const percent = percentOf(cpuUs, nodeTotalUs(onnx));
  const byType = new Map<string, number>();
  for (const n of cpu) byType.set(n.opType, (byType.get(n.opType) ?? 0) + n.totalUs);
  const opTypes = [...byType.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([type]) => type);
  const all = cpu.length === onnx.nodes.length;
  const tensorrt = providerKey(requested) === 'tensorrt';
  const name = providerKey(requested);
  const what = all
    ? `Every node (${cpu.length}) ran on CPU though ${name} was requested: the ${name} provider did not load, so check that this ONNX Runtime build has it and its libraries (CUDA, cuDNN) match`
    : `${cpu.length} node${cpu.length === 1 ? '' : 's'} (${percent}% of node time, mostly ${opTypes.slice(0, 3).join(', ')}) ran on CPU, not ${name}: ${name} has no kernel for them here`;
  const how = tensorrt
    ? "list CUDA after TensorRT (executionProviders: ['tensorrt', 'cuda', 'cpu']) so those nodes stay on the GPU"
    : 'see which nodes with logSeverityLevel: 0 (the log lists node placements), then replace those ops or upgrade ONNX Runtime';
  const providers = tensorrt ? ['tensorrt', 'cuda', 'cpu'] : [name, 'cpu'];
  return {
    id: 'provider-fallback',
    severity: percent >= PROVIDER_FALLBACK_HIGH_PERCENT ? 'high' : 'medium',
    title: `${what}; ${all ? 'then ' : ''}${how}`,
    evidence: {
      requestedProvider: name,
      cpuNodes: cpu.length,
      nodes: onnx.nodes.length,
      cpuPercent: percent,
      opTypes: opTypes.join(', '),
      threshold: PROVIDER_FALLBACK_HIGH_PERCENT,
    },
    code: tensorrt
      ? {
          javascript: jsOptions({ executionProviders: providers }),
          python: `providers = [${providers.map((p) => `'${pythonProvider(p)}'`).join(', ')}]`,
        }
      : {
          javascript: jsOptions({ executionProviders: providers, logSeverityLevel: 0 }),
          python: `so.log_severity_level = 0  # logs each node's provider\nproviders = [${providers.map((p) => `'${pythonProvider(p)}'`).join(', ')}]`,
        },
  };
};
