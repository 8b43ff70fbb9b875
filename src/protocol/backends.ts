/**
 * The TF.js backends, defined once: every list, type and check (the schema test, the CLI's `--backend`, the
 * engine's selection, the fallback rule, the panels) derives from these two arrays.
 */
import type { BackendCandidate } from './types';

/** The backends the engine can run on, fastest first: the order `auto` tries them and the probe reports them. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** A backend the engine can run on. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * What a user may ask for (`engine.backend`, `--backend`): `auto`, or a backend by family (`tensorflow` is the
 * native binding, with the GPU build preferred when it is installed).
 */
export const REQUESTED_BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** A backend request. */
export type RequestedBackend = (typeof REQUESTED_BACKENDS)[number];

/**
 * The backend `engine.backend: auto` picks: the first candidate, in the report's order (GPU, native, wasm, cpu),
 * that is installed. The pure cpu backend is always bundled, so there is always one.
 */
export function autoBackend(candidates: readonly BackendCandidate[]): BackendCandidate | undefined {
  return candidates.find((candidate) => candidate.status === 'installed');
}
