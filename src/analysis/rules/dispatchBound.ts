import type { OnnxProfile } from '../profile';
import { categoryPercent, type Rule } from './rule';
import { jsOptions, percentOf, PYTHON_LEVELS } from './onnxCode';

/** A median node call under this (µs) with at least {@link DISPATCH_MIN_NODES} nodes per run is dispatch-bound. */
export const DISPATCH_MEDIAN_US = 20;
export const DISPATCH_MIN_NODES = 50;
/** Or: more than this share of the node calls each take under {@link DISPATCH_TINY_US}… */
export const DISPATCH_TINY_PERCENT = 50;
export const DISPATCH_TINY_US = 10;
/** …with at least this many nodes per run (a handful of tiny nodes is a small model, not a dispatch problem). */
export const DISPATCH_TINY_MIN_NODES = 20;

/**
 * The median call time over all node calls, each node's calls taken at its mean, and the share of calls whose node
 * takes under {@link DISPATCH_TINY_US} per call: the profile keeps per-node totals, not every call.
 */
export function callStats(onnx: OnnxProfile): { calls: number; medianUs: number; tinyPercent: number } {
  const nodes = onnx.nodes
    .filter((n) => n.calls > 0)
    .map((n) => ({ calls: n.calls, meanUs: n.totalUs / n.calls }))
    .sort((a, b) => a.meanUs - b.meanUs);
  const calls = nodes.reduce((a, n) => a + n.calls, 0);
  let seen = 0;
  let medianUs = 0;
  for (const n of nodes) {
    seen += n.calls;
    medianUs = n.meanUs;
    if (seen * 2 >= calls) break;
  }
  const tiny = nodes.filter((n) => n.meanUs < DISPATCH_TINY_US).reduce((a, n) => a + n.calls, 0);
  return { calls, medianUs, tinyPercent: percentOf(tiny, calls) };
}

/**
 * Dispatch-bound (ONNX Runtime): many tiny nodes, each doing little math, so the run's time goes to ONNX Runtime's
 * per-node work (kernel dispatch, allocation, thread-pool hand-offs) rather than to the kernels. Fixes: fuse nodes
 * (graphOptimizationLevel: 'all'), fewer intra-op threads for ops too small to split, more work per run (a bigger
 * batch).
 */
export const dispatchBound: Rule = (profile) => {
  const onnx = profile.onnx;
  if (!onnx || onnx.runs < 1 || onnx.nodes.length === 0) return undefined;
  const stats = callStats(onnx);
  const nodesPerRun = Math.round((100 * stats.calls) / onnx.runs) / 100;
  const manySmall = nodesPerRun >= DISPATCH_MIN_NODES && stats.medianUs < DISPATCH_MEDIAN_US;
  const mostlyTiny = nodesPerRun >= DISPATCH_TINY_MIN_NODES && stats.tinyPercent > DISPATCH_TINY_PERCENT;
  if (!manySmall && !mostlyTiny) return undefined;
  const medianUs = Math.round(stats.medianUs * 100) / 100;
  const outside = categoryPercent(profile, 'other');
  return {
    id: 'dispatch-bound',
    severity: manySmall ? 'medium' : 'low',
    title:
      `The time is in dispatch, not math: ${nodesPerRun} nodes per run, median ${medianUs} µs per node` +
      `${outside > 0 ? `, ${outside}% of each run outside nodes` : ''}: keep graphOptimizationLevel: 'all' to fuse nodes, ` +
      'try intraOpNumThreads: 1 (ops this small do not pay for a thread hand-off), and batch more inputs per run',
    evidence: {
      nodesPerRun,
      medianUs,
      tinyPercent: stats.tinyPercent,
      outsideNodesPercent: outside,
      medianThresholdUs: DISPATCH_MEDIAN_US,
      minNodes: DISPATCH_MIN_NODES,
    },
    code: {
      javascript: jsOptions({ graphOptimizationLevel: 'all', intraOpNumThreads: 1 }),
      python: `so.graph_optimization_level = ort.GraphOptimizationLevel.${PYTHON_LEVELS.all}\nso.intra_op_num_threads = 1`,
    },
  };
};
