import { nodeTotalUs } from '../onnxReport';
import { percentOf, providerKey } from './onnxCode';
import type { Rule } from './rule';

/** Op types of the copies ONNX Runtime inserts between a device provider and the host. */
export const MEMCPY_OP_TYPES: ReadonlySet<string> = new Set(['MemcpyToHost', 'MemcpyFromHost']);
/** Copies at or above this share of node time make the finding medium severity. */
export const MEMCPY_MEDIUM_PERCENT = 10;

/**
 * Memcpy nodes (ONNX Runtime): copies between host and device inside the graph. ONNX Runtime inserts one at each
 * edge between a device provider's node and a CPU node, and for inputs and outputs on the host; many per run mean
 * nodes on CPU between device nodes. Fixes: keep every node on the device provider, and keep inputs and outputs
 * on the device (Python's I/O binding; ONNX Runtime Web's preferredOutputLocation).
 */
export const memcpyNodes: Rule = (profile) => {
  const onnx = profile.onnx;
  if (!onnx || onnx.runs < 1) return undefined;
  const copies = onnx.nodes.filter((n) => MEMCPY_OP_TYPES.has(n.opType));
  if (copies.length === 0) return undefined;
  const calls = copies.reduce((a, n) => a + n.calls, 0);
  const perRun = Math.round((100 * calls) / onnx.runs) / 100;
  const percent = percentOf(
    copies.reduce((a, n) => a + n.totalUs, 0),
    nodeTotalUs(onnx),
  );
  const cpuNodes = onnx.nodes.filter((n) => providerKey(n.provider) === 'cpu' && !MEMCPY_OP_TYPES.has(n.opType)).length;
  const webgpu = providerKey(onnx.requestedProvider ?? onnx.session?.provider ?? '') === 'webgpu';
  const cause =
    cpuNodes > 0
      ? `${cpuNodes} node${cpuNodes === 1 ? '' : 's'} on CPU between device nodes cause them: keep them on the device (see provider-fallback)`
      : webgpu
        ? "keep outputs on the GPU with preferredOutputLocation: 'gpu-buffer'"
        : 'keep inputs and outputs on the device with I/O binding';
  return {
    id: 'memcpy-nodes',
    severity: percent >= MEMCPY_MEDIUM_PERCENT ? 'medium' : 'low',
    title: `${perRun} host↔device copies per run take ${percent}% of node time: ${cause}`,
    evidence: { copiesPerRun: perRun, copyNodes: copies.length, percent, cpuNodes, threshold: MEMCPY_MEDIUM_PERCENT },
    code: {
      javascript: webgpu
        ? "{ executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' }"
        : '// onnxruntime-node has no I/O binding: every run copies its feeds in and its outputs out;\n// fewer, larger runs (a bigger batch) copy less often',
      python:
        "binding = session.io_binding()\nbinding.bind_ortvalue_input(name, ort.OrtValue.ortvalue_from_numpy(x, 'cuda', 0))\nbinding.bind_output(output_name, 'cuda')\nsession.run_with_iobinding(binding)",
    },
  };
};
