import type { OnnxReport } from '../onnx/types';
import type { OnnxTrial, OnnxTuning } from '../protocol/onnx';
import { formatBytes } from '../common/format';
import { describe } from '../tuner/onnx/tuneOnnx';

const ms = (value: number) => (value >= 10 ? value.toFixed(1) : value >= 1 ? value.toFixed(2) : value.toFixed(3));
const shape = (dims: readonly (number | string)[]) => `[${dims.join(', ')}]`;

/** The text report of `trainlens onnx`: the model, latency, per-op and per-node time, findings and the tuning. */
export function formatOnnxReport(report: OnnxReport, top = 15): string {
  const { model, latencyMs: l } = report;
  const lines = [
    `Model: ${model.path} (${formatBytes(model.bytes)}, IR ${model.irVersion}${model.producer ? `, ${model.producer}` : ''})`,
    `Opsets: ${model.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}`,
    ...model.inputs.map((i) => `Input:  ${i.name} ${i.dtype} ${shape(i.shape)}`),
    ...model.outputs.map((o) => `Output: ${o.name} ${o.dtype} ${shape(o.shape)}`),
    `Nodes: ${model.nodes}${model.optimized ? ` (${model.optimized.nodes} after ORT's graph optimizations)` : ''}; initializers ${model.initializers.count} (${formatBytes(model.initializers.bytes)})`,
    ...(model.optimized && model.optimized.changed.length > 0
      ? [
          `After optimization: ${model.optimized.changed
            .slice(0, 8)
            .map((c) => `${c.opType} ${c.before}→${c.after}`)
            .join(', ')}${model.optimized.changed.length > 8 ? ', …' : ''}`,
        ]
      : []),
    `Fed: ${report.feeds.map((f) => `${f.name} ${shape(f.shape)} ${f.source}`).join(', ')}`,
    `Provider: ${report.provider}; available: ${report.providers.map((p) => (p.available ? p.name : `${p.name} (no: ${p.reason})`)).join('; ')}`,
    '',
    `Latency over ${l.runs} runs: mean ${ms(l.mean)} ms, p50 ${ms(l.p50)}, p90 ${ms(l.p90)}, p99 ${ms(l.p99)} (min ${ms(l.min)}, max ${ms(l.max)}, spread ${(100 * l.spread).toFixed(0)}%${l.rounds > 1 ? `, ${l.rounds} rounds: the first was noisy` : ''})`,
    `Throughput: ${l.throughput.toFixed(1)} inferences/s`,
    `Node time per run: ${ms(report.nodeSumMs)} ms, ${(100 * report.nodeSumRatio).toFixed(0)}% of the profiled runs' ${ms(report.profiledLatencyMs.mean)} ms (the rest is the call itself, inputs and outputs)`,
    `Profiler overhead: ${report.profilingOverheadPercent.toFixed(1)}% (mean ${ms(report.profiledLatencyMs.mean)} ms with ORT's profiler, against plain runs before and after it)`,
    '',
    'Op type                        ms/run       %  nodes',
    ...report.ops
      .slice(0, top)
      .map(
        (o) =>
          `${o.opType.padEnd(28)} ${ms(o.ms).padStart(8)} ${o.percent.toFixed(1).padStart(7)} ${String(o.count).padStart(6)}`,
      ),
    '',
    'Node                                     op type          provider   ms/run       %',
    ...report.nodes
      .slice(0, top)
      .map(
        (n) =>
          `${clip(n.name, 40).padEnd(40)} ${clip(n.opType, 16).padEnd(16)} ${n.provider.padEnd(8)} ${ms(n.ms).padStart(8)} ${n.percent.toFixed(1).padStart(7)}`,
      ),
  ];
  const findings = report.analysis.findings;
  lines.push('', findings.length === 0 ? 'No findings.' : `Findings (${findings.length}):`);
  for (const f of findings) {
    lines.push(`  [${f.severity}] ${f.title}`);
    if (f.code?.javascript !== undefined)
      lines.push(
        ...f.code.javascript
          .trimEnd()
          .split('\n')
          .map((line) => `      ${line}`),
      );
  }
  if (report.tuning) lines.push('', ...formatTuning(report.tuning));
  return `${lines.join('\n')}\n`;
}

const trialLatency = (t: OnnxTrial) =>
  t.latencyMs
    ? `${ms(t.latencyMs.p50).padStart(9)} ${ms(t.latencyMs.p90).padStart(9)}`
    : `${'–'.padStart(9)} ${'–'.padStart(9)}`;

/** The tuning's trials, the best settings with the speedup, and the code that uses them. */
export function formatTuning(tuning: OnnxTuning): string[] {
  const lines = [
    `Tuning (${tuning.objective}): ${tuning.trials.length} trials${tuning.stoppedBy === 'budget' ? ', stopped by the budget' : tuning.stoppedBy === 'cancelled' ? ', cancelled' : ''}`,
    '   #  status    p50 ms    p90 ms  settings',
  ];
  for (const t of tuning.trials)
    lines.push(
      `${String(t.id).padStart(4)}  ${t.status.padEnd(7)} ${trialLatency(t)}  ${describe(t.options, t.batch)}${t.reason ? ` (${t.reason})` : ''}`,
    );
  lines.push(
    '',
    `Default: p50 ${ms(tuning.default.latencyMs?.p50 ?? 0)} ms (${describe(tuning.default.options, tuning.default.batch)})`,
    `Best:    p50 ${ms(tuning.best.latencyMs?.p50 ?? 0)} ms (${describe(tuning.best.options, tuning.best.batch)}): ${tuning.speedup.toFixed(2)}× the default, re-measured side by side`,
  );
  if (tuning.best === tuning.default || tuning.speedup === 1)
    lines.push("ORT's defaults are the fastest measured here; nothing to change.");
  lines.push('', 'JavaScript:', tuning.snippet.javascript.trimEnd(), '', 'Python:', tuning.snippet.python.trimEnd());
  if (tuning.optionsFile) lines.push('', `Options written to ${tuning.optionsFile}`);
  return lines;
}

const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
