/**
 * The analysis as text for a terminal: what `trainlens analyze`, `profile` and `run --profile` print. Only the CLI
 * shows it; the panels and the HTML report draw the same analysis from its JSON.
 */
import { CPU_ONLY_NOTE, type AnalysisReport, type OpRow } from '../protocol/analysis';
import type { Finding } from '../protocol/types';
import { maxOf } from '../common/stats';
import { htaLines } from './htaText';

/** The report as text for a terminal. */
export function formatReport(report: AnalysisReport): string {
  const lines: string[] = [];
  const gpu = report.device.gpus[0];
  lines.push(
    `${report.file}: ${report.source} trace, ${report.stats.events.toLocaleString('en-US')} events (${report.stats.megabytes} MB)` +
      (gpu ? `, ${gpu.name}${report.device.gpus.length > 1 ? ` ×${report.device.gpus.length}` : ''}` : '') +
      (report.device.distributed
        ? `, rank ${report.device.distributed.rank} of ${report.device.distributed.worldSize}`
        : ''),
  );
  lines.push(
    `Steps: ${report.steps.count}, mean ${report.steps.meanMs} ms (p50 ${report.steps.p50Ms}, p90 ${report.steps.p90Ms})` +
      (report.gpuUtilizationPercent !== undefined ? `; GPU utilization ${report.gpuUtilizationPercent}%` : '') +
      (report.smEfficiencyPercent !== undefined ? `, est. SM efficiency ${report.smEfficiencyPercent}%` : '') +
      (report.achievedOccupancyPercent !== undefined
        ? `, est. achieved occupancy ${report.achievedOccupancyPercent}%`
        : ''),
  );
  if (report.run) lines.push(runLine(report.run));
  if (report.steps.note) lines.push(`Note: ${report.steps.note}.`);
  for (const note of report.ingest?.notes ?? []) lines.push(`Read: ${note}.`);
  if (report.cpuOnly) lines.push(`${CPU_ONLY_NOTE}.`);
  lines.push('', 'Step-time breakdown (mean per step):');
  const width = maxOf(
    report.breakdown.map((b) => b.category.length),
    0,
  );
  for (const b of report.breakdown)
    lines.push(
      `  ${b.category.padEnd(width)}  ${b.ms.toFixed(3).padStart(12)} ms  ${b.percent.toFixed(2).padStart(6)}%`,
    );
  lines.push(...htaLines(report.hta));
  const table = (title: string, ops: readonly OpRow[]) => {
    if (ops.length === 0) return;
    lines.push('', title);
    for (const op of ops)
      lines.push(
        `  ${op.totalMs.toFixed(3).padStart(12)} ms  ${String(op.calls).padStart(7)}×  ${op.name.length > 90 ? `${op.name.slice(0, 87)}...` : op.name}`,
      );
  };
  table('Top kernels (total time, calls):', report.topKernels);
  table('Top operators (total time, calls):', report.topOperators);
  if (report.source === 'onnxruntime' && report.onnx) lines.push(...nodesTable(report.onnx));
  if (report.memory) {
    lines.push(
      '',
      `Memory: peak ${(report.memory.peakBytes / 1024 ** 2).toFixed(1)} MiB allocated (${report.memory.samples} samples)`,
    );
    for (const [category, bytes] of Object.entries(report.memory.byCategoryAtPeak ?? {}).sort((a, b) => b[1] - a[1]))
      if (bytes > 0)
        lines.push(`  ${category.padEnd(16)} ${(bytes / 1024 ** 2).toFixed(1).padStart(10)} MiB at the peak`);
  }
  lines.push(...findingLines(report.findings));
  return `${lines.join('\n')}\n`;
}

/** The findings with their evidence and fixes (YAML key, code), as the text reports list them. */
export function findingLines(findings: readonly Finding[]): string[] {
  const lines = ['', findings.length ? 'Findings:' : 'Findings: none.'];
  for (const f of findings) {
    const evidence = Object.entries(f.evidence)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(
      `  [${f.severity}] ${f.id}: ${f.title} (${evidence})${f.fix ? `. Fix: ${f.fix.path}: ${String(f.fix.value)}` : ''}`,
    );
    if (f.code?.javascript !== undefined) lines.push(...codeLines('JavaScript', f.code.javascript));
    if (f.code) lines.push(...codeLines('Python', f.code.python));
  }
  return lines;
}

/** How the run stands, when the profile is of a TrainLens run: a killed run says so, with the step it reached. */
function runLine(run: NonNullable<AnalysisReport['run']>): string {
  const step = run.lastStep !== undefined ? ` at step ${run.lastStep}` : '';
  if (run.status === 'interrupted')
    return `Run: interrupted${step}: ${run.interruptedBecause ?? 'its engine stopped before the run ended'}; resume it with "trainlens run CONFIG --resume RUN_DIR".`;
  if (run.failure) return `Run: failed${step} (${run.failure.kind}): ${run.failure.message}`;
  return `Run: ${run.status}${step}.`;
}

/** Nodes shown in the text report (the JSON carries more). */
const TEXT_NODES = 15;

/** The longest ONNX Runtime nodes: mean ms per run, share of node time, calls per run, op type and provider. */
function nodesTable(onnx: NonNullable<AnalysisReport['onnx']>): string[] {
  if (onnx.nodes.length === 0) return [];
  const lines = ['', `Nodes (mean per run over ${onnx.runs} run${onnx.runs === 1 ? '' : 's'}, share of node time):`];
  const shown = onnx.nodes.slice(0, TEXT_NODES);
  const opWidth = maxOf(
    shown.map((n) => n.opType.length + (n.provider ? n.provider.length + 3 : 0)),
    0,
  );
  for (const n of shown) {
    const op = n.provider ? `${n.opType} (${n.provider})` : n.opType;
    const name = n.name.length > 70 ? `${n.name.slice(0, 67)}...` : n.name;
    lines.push(
      `  ${n.ms.toFixed(3).padStart(10)} ms  ${n.percent.toFixed(2).padStart(6)}%  ${String(n.count).padStart(5)}×  ${op.padEnd(opWidth)}  ${name}`,
    );
  }
  if (onnx.nodes.length > shown.length) lines.push(`  … ${onnx.nodes.length - shown.length} more in --format json`);
  return lines;
}

/** A finding's session-options code, indented under it. */
function codeLines(language: string, code: string): string[] {
  const label = `${language}:`.padEnd(12);
  return code.split('\n').map((line, i) => `      ${i === 0 ? label : ' '.repeat(label.length)}${line}`);
}
