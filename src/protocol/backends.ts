import type { BackendCandidate } from './types';

/**
 * The backend `engine.backend: auto` picks: the first candidate, in the report's order (GPU, native, wasm, cpu),
 * that is installed. The pure cpu backend is always bundled, so there is always one.
 */
export function autoBackend(candidates: readonly BackendCandidate[]): BackendCandidate | undefined {
  return candidates.find((candidate) => candidate.status === 'installed');
}
