import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendCandidate, BackendName, EnvironmentReport } from '../../protocol/types';
import { installWasmMatMulFix, installWasmMissingKernels } from './kernelFixes';
import { findWasmDir } from './wasmFiles';
import { BACKEND_NAMES, type RequestedBackend } from '../../protocol/backends';

/** What the config asks for (`engine.backend`). */
export type { RequestedBackend } from '../../protocol/backends';

/** The backend a run uses, and why each faster candidate was skipped. */
export interface BackendSelection {
  readonly name: BackendName;
  /** The TF.js backend name as registered (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string;
  readonly version: string;
  /** Candidates tried before the chosen one, each with the reason it was skipped. */
  readonly skipped: ReadonlyArray<{ readonly name: BackendName; readonly reason: string }>;
  /** Threads the backend uses, when it has a setting for it. */
  readonly threads?: number;
}

/** Options of {@link selectBackend}. */
export interface SelectOptions {
  readonly requested: RequestedBackend;
  readonly environment: EnvironmentReport;
  /** Folder of the engine bundle (where the wasm binaries are). */
  readonly engineDir: string;
  /** `engine.threads`; 0 or undefined means all cores. */
  readonly threads?: number;
}

/** Which candidates a request allows, in the order they are tried. */
function candidatesFor(requested: RequestedBackend): BackendName[] {
  switch (requested) {
    case 'auto':
      return [...BACKEND_NAMES];
    case 'tensorflow':
      return ['tensorflow-gpu', 'tensorflow'];
    case 'wasm':
      return ['wasm'];
    case 'cpu':
      return ['cpu'];
  }
}

/**
 * Loads and activates a TF.js backend: GPU (tfjs-node-gpu), native CPU (tfjs-node), wasm, then cpu for `auto`.
 * Each candidate that is missing or fails to initialize is recorded with its reason, so the run can say why it did
 * not get a faster backend. Throws when no allowed candidate works (e.g. `tensorflow` requested but not installed).
 */
export async function selectBackend(options: SelectOptions): Promise<BackendSelection> {
  const skipped: Array<{ name: BackendName; reason: string }> = [];
  for (const name of candidatesFor(options.requested)) {
    const candidate = options.environment.backends.find((b) => b.name === name);
    if (!candidate || candidate.status !== 'installed') {
      skipped.push({ name, reason: candidate?.reason ?? 'not known to this engine' });
      continue;
    }
    try {
      return { ...(await activate(candidate, options)), skipped };
    } catch (error) {
      skipped.push({ name, reason: `failed to initialize: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  throw new Error(
    `engine.backend: ${options.requested} cannot run here: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}. ` +
      (options.requested === 'auto' ? 'Reinstall TrainLens.' : 'Use engine.backend: auto to fall back to wasm or cpu.'),
  );
}

async function activate(
  candidate: BackendCandidate,
  options: SelectOptions,
): Promise<Omit<BackendSelection, 'skipped'>> {
  const threads = options.threads && options.threads > 0 ? options.threads : undefined;
  switch (candidate.name) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      // Loading the native package registers its `tensorflow` backend (CUDA for tfjs-node-gpu).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(candidate.resolvedFrom ?? candidate.packageName);
      if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not register');
      return { name: candidate.name, tfBackend: 'tensorflow', version: candidate.version ?? 'unknown' };
    }
    case 'wasm': {
      const dir = findWasmDir(options.engineDir);
      if (!dir) throw new Error('the .wasm binaries are missing');
      setWasmPaths(`${dir}/`);
      if (threads) setThreadsCount(threads);
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialize');
      await tf.ready();
      installWasmMatMulFix();
      installWasmMissingKernels();
      return {
        name: 'wasm',
        tfBackend: 'wasm',
        version: candidate.version ?? 'unknown',
        ...(threads ? { threads } : {}),
      };
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialize');
      return { name: 'cpu', tfBackend: 'cpu', version: candidate.version ?? 'unknown' };
    }
  }
}
