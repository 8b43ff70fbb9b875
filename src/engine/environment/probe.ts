import * as os from 'node:os';
import { version as tfjsVersions } from '@tensorflow/tfjs';
import { version_wasm as wasmVersion } from '@tensorflow/tfjs-backend-wasm';
import type { BackendCandidate, EnvironmentReport } from '../../protocol/types';
import { TRAINLENS_VERSION } from '../../protocol/version';
import { findWasmDir } from '../backends/wasmFiles';
import { queryNvidiaSmi, type GpuQueryResult } from './nvidiaSmi';
import { loadOrt, providersOf } from '../onnx/runtime';
import { resolvePackage } from './resolvePackage';

/** Inputs of {@link probeEnvironment}; the defaults describe the running engine. */
export interface ProbeOptions {
  /** Folder the engine runs from: where bundled assets and `node_modules` are looked up. */
  readonly engineDir?: string;
  /** User-configured folders to resolve optional native packages from (`trainlens.engine.nativeModulesPath`). */
  readonly nativeModulesPaths?: readonly string[];
  /** Replaces the `nvidia-smi` call (tests on machines without a GPU pass a recorded answer). */
  readonly queryGpus?: () => Promise<GpuQueryResult>;
}

const INSTALL_HINT =
  'install it with npm in a folder and name that folder in the trainlens.engine.nativeModulesPath setting (CLI: --native-modules)';

/**
 * Describes this machine and which TF.js backends can run, in the order `engine.backend: auto` tries them, with the
 * reason each unavailable one was skipped. Nothing is loaded: native packages are only located, so a broken CUDA
 * install cannot crash the probe (the engine reports load failures when it actually selects a backend).
 */
export async function probeEnvironment(options: ProbeOptions = {}): Promise<EnvironmentReport> {
  const engineDir = options.engineDir ?? __dirname;
  const extra = options.nativeModulesPaths ?? [];
  const gpuQuery = await (options.queryGpus ?? queryNvidiaSmi)();

  const gpuPkg = resolvePackage('@tensorflow/tfjs-node-gpu', engineDir, extra);
  const nodePkg = resolvePackage('@tensorflow/tfjs-node', engineDir, extra);
  const wasmDir = findWasmDir(engineDir);

  const backends: BackendCandidate[] = [
    gpuPkg.found
      ? gpuQuery.gpus.length > 0
        ? {
            name: 'tensorflow-gpu',
            packageName: '@tensorflow/tfjs-node-gpu',
            status: 'installed',
            version: gpuPkg.version,
            resolvedFrom: gpuPkg.resolvedFrom,
          }
        : {
            name: 'tensorflow-gpu',
            packageName: '@tensorflow/tfjs-node-gpu',
            status: 'unusable',
            version: gpuPkg.version,
            resolvedFrom: gpuPkg.resolvedFrom,
            reason: `installed but no GPU is usable: ${gpuQuery.reason ?? 'unknown'}`,
          }
      : {
          name: 'tensorflow-gpu',
          packageName: '@tensorflow/tfjs-node-gpu',
          status: 'missing',
          reason: `${gpuPkg.reason}; ${INSTALL_HINT} (needs CUDA 11.2 and cuDNN 8.1)`,
        },
    nodePkg.found
      ? {
          name: 'tensorflow',
          packageName: '@tensorflow/tfjs-node',
          status: 'installed',
          version: nodePkg.version,
          resolvedFrom: nodePkg.resolvedFrom,
        }
      : {
          name: 'tensorflow',
          packageName: '@tensorflow/tfjs-node',
          status: 'missing',
          reason: `${nodePkg.reason}; ${INSTALL_HINT}`,
        },
    wasmDir
      ? {
          name: 'wasm',
          packageName: '@tensorflow/tfjs-backend-wasm',
          status: 'installed',
          version: wasmVersion,
          resolvedFrom: wasmDir,
        }
      : {
          name: 'wasm',
          packageName: '@tensorflow/tfjs-backend-wasm',
          status: 'unusable',
          version: wasmVersion,
          reason: `the .wasm binaries are missing next to the engine (${engineDir}); rebuild with npm run build`,
        },
    { name: 'cpu', packageName: '@tensorflow/tfjs', status: 'installed', version: tfjsVersions['tfjs-core'] },
  ];

  const ort = resolvePackage('onnxruntime-node', engineDir, extra);
  const cpus = os.cpus();
  return {
    trainlensVersion: TRAINLENS_VERSION,
    os: { platform: process.platform, release: os.release(), arch: process.arch },
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length },
    memory: { totalBytes: os.totalmem(), freeBytes: os.freemem() },
    node: { version: process.version, execPath: process.execPath },
    backends,
    onnxRuntime: ort.found
      ? await onnxRuntimeStatus(ort.version)
      : { status: 'missing', reason: `onnxruntime-node ${ort.reason}` },
    gpus: gpuQuery.gpus,
    ...(gpuQuery.reason ? { gpuReason: gpuQuery.reason } : {}),
  };
}

/** ONNX Runtime loaded (its native binding), with its execution providers; unusable with the reason if it fails. */
async function onnxRuntimeStatus(version: string): Promise<EnvironmentReport['onnxRuntime']> {
  try {
    return { status: 'installed', version, providers: providersOf(await loadOrt()) };
  } catch (error) {
    return {
      status: 'unusable',
      version,
      reason: `onnxruntime-node ${version} is installed but its native binding does not load: ${(error as Error).message.split('\n')[0]}`,
    };
  }
}
