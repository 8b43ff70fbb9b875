import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { OnnxProviderInfo } from '../../protocol/onnx';

/** onnxruntime-node's module. */
export type OrtModule = typeof Ort;

let loaded: Promise<OrtModule> | undefined;

/** Loads onnxruntime-node once, on first use (the engine starts without it; training never needs it). */
export function loadOrt(): Promise<OrtModule> {
  loaded ??= import('onnxruntime-node').then((m) => (m as { default?: OrtModule }).default ?? m);
  return loaded;
}

/** The installed onnxruntime-node's version and the folder of its native binaries for this platform. */
export function ortInstall(): { readonly version: string; readonly binDir?: string } {
  try {
    const require = createRequire(__filename);
    const manifest = require.resolve('onnxruntime-node/package.json');
    const version = (require(manifest) as { version?: string }).version ?? 'unknown';
    const binDir = join(dirname(manifest), 'bin', 'napi-v6', process.platform, process.arch);
    return { version, ...(existsSync(binDir) ? { binDir } : {}) };
  } catch {
    return { version: 'unknown' };
  }
}

/** Whether this machine shows an NVIDIA GPU to user space (the CUDA and TensorRT providers need one). */
function hasNvidiaDevice(): boolean {
  return process.platform === 'win32' ? true : existsSync('/dev/nvidiactl') || existsSync('/dev/nvidia0');
}

/** Names onnxruntime-node uses for providers, as the CLI's `--provider` takes them. */
const LIBRARIES: Readonly<Record<string, string>> = {
  cuda: 'libonnxruntime_providers_cuda.so',
  tensorrt: 'libonnxruntime_providers_tensorrt.so',
};

/**
 * The execution providers of the installed ONNX Runtime build and whether each can run here, with the reason
 * and the fix when not (as `doctor` says for TF.js backends). CPU is always available.
 */
export function providersOf(ort: OrtModule): OnnxProviderInfo[] {
  const { binDir } = ortInstall();
  const listed = ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
  return listed.map(({ name, bundled }): OnnxProviderInfo => {
    if (name === 'cpu') return { name, available: true };
    const library = LIBRARIES[name];
    if (!bundled && library && !(binDir && existsSync(join(binDir, library))))
      return {
        name,
        available: false,
        reason:
          `the ${name} provider's libraries are not installed: onnxruntime-node downloads them in its install ` +
          `script, which did not run; run 'npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12' on a ` +
          'machine with an NVIDIA GPU and CUDA 12',
      };
    if ((name === 'cuda' || name === 'tensorrt') && !hasNvidiaDevice())
      return { name, available: false, reason: `no NVIDIA GPU is visible on this machine (no /dev/nvidia0)` };
    if (name === 'webgpu' && process.platform === 'linux' && !existsSync('/dev/dri'))
      return { name, available: false, reason: 'no GPU device is visible to WebGPU on this machine (no /dev/dri)' };
    return { name, available: true };
  });
}
