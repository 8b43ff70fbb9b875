import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBoundedText } from '../../files/safeFiles';

/** Prefix of the profile ORT writes (it appends the date and time). */
export const ORT_PROFILE_PREFIX = 'ort-profile';
/** The profile TrainLens keeps: ORT's events of the measured runs only. */
export const PROFILE_FILE = 'onnx-profile.json';
/** The largest ORT profile read back. */
const MAX_PROFILE_BYTES = 2 * 1024 ** 3;

interface TraceEvent {
  readonly cat?: string;
  readonly name?: string;
  readonly ts?: number;
  readonly dur?: number;
}

/**
 * Keeps the measured runs of the profile ORT wrote at release: the warm-up runs and the session's load and
 * initialization go, so the per-node tables and the timeline describe measured runs only. Returns the kept file.
 */
export function keepMeasuredRuns(profileDir: string, warmup: number): string | undefined {
  const written = readdirSync(profileDir).find((f) => f.startsWith(ORT_PROFILE_PREFIX) && f.endsWith('.json'));
  if (!written) return undefined;
  const source = join(profileDir, written);
  const events = JSON.parse(readBoundedText(source, 'the ONNX Runtime profile', MAX_PROFILE_BYTES)) as TraceEvent[];
  const runs = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run' && typeof e.ts === 'number')
    .map((e) => e.ts!)
    .sort((a, b) => a - b);
  const from = runs[warmup] ?? Infinity;
  const kept = events.filter((e) => typeof e.ts === 'number' && e.ts >= from);
  const target = join(profileDir, PROFILE_FILE);
  writeFileSync(target, `[\n${kept.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`);
  rmSync(source, { force: true });
  return target;
}
