import type { Profile } from '../analysis/profile';
import type { OnnxNodeRow, OnnxOpRow } from '../protocol/onnx';

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Per-node and per-op-type time of an ORT profile, mean per run (ms), with each one's share of node time. */
export function onnxRows(profile: Profile): {
  nodes: OnnxNodeRow[];
  ops: OnnxOpRow[];
  nodeSumMs: number;
  runs: number;
} {
  const nodes = profile.onnx?.nodes ?? [];
  const runs = Math.max(1, profile.onnx?.runs ?? profile.steps.length);
  const totalUs = nodes.reduce((sum, node) => sum + node.totalUs, 0);
  const percent = (us: number) => (totalUs > 0 ? round((100 * us) / totalUs, 2) : 0);
  const byOp = new Map<string, { us: number; count: number }>();
  for (const node of nodes) {
    const op = byOp.get(node.opType) ?? { us: 0, count: 0 };
    op.us += node.totalUs;
    op.count += node.calls / runs;
    byOp.set(node.opType, op);
  }
  return {
    nodes: nodes.map((node) => ({
      name: node.name,
      opType: node.opType,
      provider: node.provider,
      ms: round(node.totalUs / runs / 1000),
      percent: percent(node.totalUs),
      count: round(node.calls / runs, 2),
    })),
    ops: [...byOp]
      .sort((a, b) => b[1].us - a[1].us)
      .map(([opType, op]) => ({
        opType,
        ms: round(op.us / runs / 1000),
        percent: percent(op.us),
        count: round(op.count, 2),
      })),
    nodeSumMs: round(totalUs / runs / 1000),
    runs,
  };
}
