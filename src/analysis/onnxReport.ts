/**
 * The ONNX Runtime part of the analysis report: time per node and per op type, as means per run, from the nodes
 * the importer aggregated (`profile.onnx`).
 */
import type { AnalysisReport } from '../protocol/analysis';
import type { OnnxNodeRow, OnnxOpRow } from '../protocol/onnx';
import type { OnnxProfile, Profile } from './profile';

/** Node rows the report carries (the longest first). */
export const REPORT_NODES = 50;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Total node time of the analysed runs, µs. */
export function nodeTotalUs(onnx: OnnxProfile): number {
  return onnx.nodes.reduce((sum, n) => sum + n.totalUs, 0);
}

/** Node time and calls by op type (all providers together), longest total first. */
export function opTypeTotals(onnx: OnnxProfile): Array<{ opType: string; calls: number; totalUs: number }> {
  const byType = new Map<string, { opType: string; calls: number; totalUs: number }>();
  for (const node of onnx.nodes) {
    const entry = byType.get(node.opType) ?? { opType: node.opType, calls: 0, totalUs: 0 };
    entry.calls += node.calls;
    entry.totalUs += node.totalUs;
    byType.set(node.opType, entry);
  }
  return [...byType.values()].sort((a, b) => b.totalUs - a.totalUs);
}

/** The report's `onnx` section, for profiles that have nodes (ONNX Runtime profiles). */
export function onnxReportOf(profile: Profile): AnalysisReport['onnx'] {
  const onnx = profile.onnx;
  if (!onnx) return undefined;
  const runs = Math.max(1, onnx.runs);
  const total = nodeTotalUs(onnx);
  const ms = (us: number) => round(us / runs / 1000, 4);
  const percent = (us: number) => (total > 0 ? round((100 * us) / total, 2) : 0);
  const perRun = (calls: number) => round(calls / runs, 2);
  const nodes: OnnxNodeRow[] = onnx.nodes.slice(0, REPORT_NODES).map((n) => ({
    name: n.name,
    opType: n.opType,
    provider: n.provider,
    ms: ms(n.totalUs),
    percent: percent(n.totalUs),
    count: perRun(n.calls),
  }));
  const ops: OnnxOpRow[] = opTypeTotals(onnx).map((o) => ({
    opType: o.opType,
    ms: ms(o.totalUs),
    percent: percent(o.totalUs),
    count: perRun(o.calls),
  }));
  return { nodes, ops, runs: onnx.runs };
}
