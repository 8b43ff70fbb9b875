import { jsOptions, PYTHON_LEVELS } from './onnxCode';
import type { Rule } from './rule';

/**
 * Graph optimizations disabled (ONNX sessions TrainLens profiled): the session ran with graphOptimizationLevel
 * `disabled` or `basic`, so ONNX Runtime's fusions (Conv+Add+Relu, MatMul+Add, the NCHWc layouts) did not run and
 * every unfused node pays its own dispatch. When the model's node counts before and after level `all` are known,
 * the finding says how many nodes `all` removes (none: only informational).
 */
export const graphOptimizationsDisabled: Rule = (profile) => {
  const onnx = profile.onnx;
  const level = onnx?.session?.graphOptimizationLevel;
  if (!onnx || (level !== 'disabled' && level !== 'basic')) return undefined;
  const graph = onnx.graphNodes;
  const removed = graph ? Math.max(0, graph.before - graph.after) : 0;
  const gain = !graph
    ? ''
    : removed > 0
      ? ` ('all' removes ${removed} of the model's ${graph.before} nodes)`
      : ` (though 'all' leaves this model's ${graph.before} nodes as they are: measure both)`;
  return {
    id: 'graph-optimizations-disabled',
    severity: graph && removed === 0 ? 'info' : level === 'disabled' ? 'medium' : 'low',
    title: `Graph optimizations are ${level === 'disabled' ? 'off' : 'basic only'}: set graphOptimizationLevel: 'all'${gain}`,
    evidence: {
      graphOptimizationLevel: level,
      ...(graph ? { nodesBefore: graph.before, nodesAfter: graph.after, nodesRemoved: removed } : {}),
    },
    code: {
      javascript: jsOptions({ graphOptimizationLevel: 'all' }),
      python: `so.graph_optimization_level = ort.GraphOptimizationLevel.${PYTHON_LEVELS.all}`,
    },
  };
};
