import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OnnxInspectRequest } from '../../protocol/engine';
import type { OnnxModelSummary } from '../../protocol/onnx';
import { checkRunnable, readOnnxModel, summarizeOnnxBytes } from './modelFile';
import { ortInstall, providersOf, type OrtModule } from './runtime';
import { fromOrtError } from './sessionErrors';
import { toOrtOptions } from './sessionOptions';

/**
 * An ONNX model's summary from its file, checked runnable (custom-op domains, external data) before any session,
 * and with `optimize` the node count after ORT's graph optimizations (level `all`, ORT's own optimized-model output,
 * written to a temporary folder that is removed).
 */
export async function inspectModel(
  ort: OrtModule,
  params: OnnxInspectRequest.Params,
): Promise<OnnxInspectRequest.Result> {
  let summary = readOnnxModel(params.modelPath);
  checkRunnable(summary);
  if (params.optimize) summary = { ...summary, optimized: await optimizedCounts(ort, summary) };
  return { summary, providers: providersOf(ort), cores: availableParallelism(), ortVersion: ortInstall().version };
}

async function optimizedCounts(
  ort: OrtModule,
  summary: OnnxModelSummary,
): Promise<NonNullable<OnnxModelSummary['optimized']>> {
  const dir = mkdtempSync(join(tmpdir(), 'trainlens-onnx-opt-'));
  try {
    const target = join(dir, 'optimized.onnx');
    try {
      const session = await ort.InferenceSession.create(
        summary.path,
        toOrtOptions({ provider: 'cpu', graphOptimizationLevel: 'all' }, { optimizedModelPath: target }),
      );
      await session.release();
    } catch (error) {
      throw fromOrtError(error, summary.path, 'cpu', 'load');
    }
    const after = summarizeOnnxBytes(readFileSync(target), target);
    const count = (list: OnnxModelSummary['opTypes']) => {
      const map = new Map<string, number>();
      for (const op of list) map.set(op.opType, (map.get(op.opType) ?? 0) + op.count);
      return map;
    };
    const before = count(summary.opTypes);
    const optimized = count(after.opTypes);
    const changed = [...new Set([...before.keys(), ...optimized.keys()])]
      .map((opType) => ({ opType, before: before.get(opType) ?? 0, after: optimized.get(opType) ?? 0 }))
      .filter((c) => c.before !== c.after)
      .sort((a, b) => Math.abs(b.before - b.after) - Math.abs(a.before - a.after));
    return { level: 'all', nodes: after.nodes, changed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
