import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The WebAssembly binaries of `@tensorflow/tfjs-backend-wasm`, plain, SIMD and threaded SIMD. */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/**
 * Finds the folder holding the wasm binaries: next to the bundled engine (the build copies them into `dist/`), or
 * inside the installed package when running from sources. Returns undefined when neither has them.
 */
export function findWasmDir(engineDir: string): string | undefined {
  const candidates = [engineDir];
  try {
    candidates.push(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')));
  } catch {
    // Not resolvable from here: only the bundled copy can be used.
  }
  return candidates.find((dir) => WASM_FILES.every((file) => existsSync(join(dir, file))));
}
