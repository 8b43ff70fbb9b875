import type { EnvironmentReport } from '../protocol/types';
import { formatBytes } from '../common/format';
import { autoBackend } from '../protocol/backends';
import { maxOf } from '../common/stats';

/** Renders an environment report as the plain text shown by `trainlens doctor` and the TrainLens output channel. */
export function formatEnvironmentReport(report: EnvironmentReport): string {
  const lines = [
    `Node ${report.node.version} on ${report.os.platform} ${report.os.arch} (kernel ${report.os.release})`,
    `CPU: ${report.cpu.model}, ${report.cpu.cores} cores; memory ${formatBytes(report.memory.totalBytes)} total, ${formatBytes(report.memory.freeBytes)} free`,
  ];
  if (report.gpus.length === 0) lines.push(`GPU: none (${report.gpuReason ?? 'not detected'})`);
  for (const gpu of report.gpus) {
    lines.push(
      `GPU: ${gpu.name}, ${formatBytes(gpu.memoryUsedBytes)} of ${formatBytes(gpu.memoryTotalBytes)} used, ${gpu.utilizationPercent}% busy, driver ${gpu.driverVersion}`,
    );
  }
  lines.push('TF.js backends, in the order engine.backend: auto tries them:');
  const width = maxOf(
    report.backends.map((b) => b.name.length),
    0,
  );
  for (const backend of report.backends) {
    const mark = backend.status === 'installed' ? 'ok ' : '-- ';
    const detail =
      backend.status === 'installed'
        ? `${backend.packageName} ${backend.version ?? ''}`.trimEnd()
        : `${backend.packageName}: ${backend.status}, ${backend.reason ?? 'no reason given'}`;
    lines.push(`  ${mark}${backend.name.padEnd(width)}  ${detail}`);
  }
  const chosen = autoBackend(report.backends);
  lines.push(`engine.backend: auto would use ${chosen ? chosen.name : 'nothing (no backend is installed)'}`);
  lines.push(
    report.onnxRuntime.status === 'installed'
      ? `ONNX Runtime: onnxruntime-node ${report.onnxRuntime.version ?? ''}`.trimEnd()
      : `ONNX Runtime: ${report.onnxRuntime.status}, ${report.onnxRuntime.reason ?? ''}`,
  );
  for (const provider of report.onnxRuntime.providers ?? [])
    lines.push(
      `  ${provider.available ? 'ok ' : '-- '}${provider.name}${provider.available ? '' : `: ${provider.reason ?? 'not available'}`}`,
    );
  return `${lines.join('\n')}\n`;
}
