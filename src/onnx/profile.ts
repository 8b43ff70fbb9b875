import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeProfile, loadProfile } from '../analysis/analyze';
import type { Profile } from '../analysis/profile';
import type { EngineClient } from '../engineClient/engineClient';
import { inspectOnnxModel, measureOnnxModel } from '../engineClient/onnxRequests';
import { makeDirectory } from '../files/safeFiles';
import type { OnnxProgressNotification } from '../protocol/engine';
import { OnnxError } from './errors';
import { onnxRows } from './rows';
import type { OnnxHooks, OnnxProfileRequest, OnnxReport } from './types';

/** Defaults of a profile: warm-up runs and measured runs. */
export const ONNX_DEFAULT_WARMUP = 5;
export const ONNX_DEFAULT_RUNS = 50;
/** The most runs profiled with ORT's profiler on (its file grows with nodes × runs). */
export const ONNX_PROFILED_RUNS = 30;
/** A measured round whose spread ((p90 − p10) / p50) is above this is measured again. */
export const ONNX_NOISE_THRESHOLD = 0.25;

/**
 * Profiles an ONNX model in the engine: its summary (and the node count after ORT's optimizations), a measured
 * latency without the profiler, then the same runs with ORT's profiler on, whose file is imported into the Profile
 * model, so the profile panel, the report and the findings read it like any profile. Both measurements use fresh
 * sessions with the same settings, the plain one again after the profiled one; the difference is the profiler's
 * overhead.
 */
export async function profileOnnx(
  client: EngineClient,
  request: OnnxProfileRequest,
  hooks: OnnxHooks = {},
): Promise<{ report: OnnxReport; profile: Profile }> {
  const dir = request.outDir
    ? makeDirectory(request.outDir, 'the ONNX output folder')
    : mkdtempSync(join(tmpdir(), 'trainlens-onnx-'));
  try {
    hooks.onMessage?.(`onnx: reading ${request.modelPath}`);
    const inspected = await inspectOnnxModel(client, { modelPath: request.modelPath, optimize: true });
    hooks.onProgress?.(0.1);
    const warmup = request.warmup ?? ONNX_DEFAULT_WARMUP;
    const runs = request.runs ?? ONNX_DEFAULT_RUNS;
    const base = {
      modelPath: request.modelPath,
      session: request.session,
      inputs: request.inputs,
      warmup,
      ...(request.budgetMs !== undefined ? { budgetMs: request.budgetMs } : {}),
    };
    const plain = await measureOnnxModel(
      client,
      { ...base, runs, noiseThreshold: ONNX_NOISE_THRESHOLD, maxRounds: 2 },
      {
        onProgress: progress(`measuring ${runs} runs after ${warmup} warm-up runs`, 0.1, 0.55, hooks),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      },
    );
    const profiled = await measureOnnxModel(
      client,
      { ...base, runs: Math.min(runs, ONNX_PROFILED_RUNS), profileDir: dir },
      {
        onProgress: progress(
          `profiling ${Math.min(runs, ONNX_PROFILED_RUNS)} runs with ORT's profiler`,
          0.55,
          0.95,
          hooks,
        ),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      },
    );
    // The plain runs again after the profiled ones: the overhead is measured against both, so a machine that
    // got busier or quieter between the two sessions does not read as the profiler's cost.
    const again = await measureOnnxModel(
      client,
      { ...base, runs: Math.min(runs, ONNX_PROFILED_RUNS) },
      {
        onProgress: progress('measuring again without the profiler', 0.95, 0.98, hooks),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      },
    );
    const plainMean = (plain.latency.mean + again.latency.mean) / 2;
    if (!profiled.profileFile)
      throw new OnnxError(
        `${request.modelPath}: ONNX Runtime wrote no profile file.`,
        'session',
        undefined,
        'Run it again; if it persists, report it.',
      );
    const loaded = await loadProfile(profiled.profileFile, undefined, { spans: true });
    const profile: Profile = {
      ...loaded,
      file: request.modelPath,
      onnx: {
        ...(loaded.onnx ?? { nodes: [], runs: loaded.steps.length }),
        session: request.session,
        requestedProvider: request.session.provider,
        cores: inspected.cores,
        ...(inspected.summary.optimized
          ? { graphNodes: { before: inspected.summary.nodes, after: inspected.summary.optimized.nodes } }
          : {}),
      },
      environment: [
        ['ONNX Runtime', inspected.ortVersion],
        ['Execution provider', request.session.provider],
        ['CPU cores', String(inspected.cores)],
      ],
    };
    const rows = onnxRows(profile);
    const report: OnnxReport = {
      model: inspected.summary,
      provider: request.session.provider,
      session: request.session,
      providers: inspected.providers,
      feeds: plain.feeds,
      latencyMs: plain.latency,
      profiledLatencyMs: profiled.latency,
      ops: rows.ops,
      nodes: rows.nodes,
      nodeSumMs: rows.nodeSumMs,
      nodeSumRatio: profiled.latency.mean > 0 ? rows.nodeSumMs / profiled.latency.mean : 0,
      profilingOverheadPercent: plainMean > 0 ? (100 * (profiled.latency.mean - plainMean)) / plainMean : 0,
      analysis: analyzeProfile(profile),
      ...(request.outDir ? { profileFile: profiled.profileFile } : {}),
    };
    if (request.outDir) writeFileSync(join(dir, 'onnx.json'), `${JSON.stringify(report, null, 2)}\n`);
    hooks.onProgress?.(1);
    return { report, profile };
  } finally {
    if (!request.outDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Maps a measurement's progress into [from, to] of the whole, with a message when it starts. */
function progress(label: string, from: number, to: number, hooks: OnnxHooks) {
  let said = false;
  return (p: OnnxProgressNotification.Params) => {
    if (!said) hooks.onMessage?.(`onnx: ${label}`);
    said = true;
    const share = p.phase === 'measure' && p.total > 0 ? p.done / p.total : p.phase === 'release' ? 1 : 0;
    hooks.onProgress?.(from + (to - from) * share);
  };
}
