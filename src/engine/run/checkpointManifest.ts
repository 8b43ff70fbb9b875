/**
 * The record of what TrainLens itself wrote in a checkpoints folder. Pruning and temp-folder cleanup delete only
 * entries listed here, so a folder the user keeps there (or a folder the setting was pointed at by mistake) is never
 * touched, whatever its name.
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The manifest's file name in the checkpoints folder. */
export const MANIFEST_FILE = '.trainlens-checkpoints.json';

/** A complete checkpoint's folder name: `step-` and the zero-padded step. */
const CHECKPOINT_NAME = /^step-\d{8,}$/;
/** A checkpoint being written: `.tmp-step-NNNNNNNN-<pid>`. */
const TEMP_NAME = /^\.tmp-step-\d{8,}-\d+$/;

/** What the manifest lists: folder names only, never paths. */
export interface CheckpointManifest {
  /** Checkpoint folders TrainLens wrote (or is about to rename into place), oldest first. */
  readonly checkpoints: string[];
  /** Temporary folders TrainLens created for a write; any still listed were left by a killed writer. */
  readonly temps: string[];
}

/** The folder's manifest; an empty one when there is none yet or it cannot be read (nothing is then deletable). */
export function readManifest(dir: string): CheckpointManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  } catch {
    return { checkpoints: [], temps: [] };
  }
  const names = (value: unknown, pattern: RegExp): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && pattern.test(v)) : [];
  const record = (parsed ?? {}) as { checkpoints?: unknown; temps?: unknown };
  // Only well-formed names count: an edited manifest cannot make TrainLens delete `..` or another path.
  return { checkpoints: names(record.checkpoints, CHECKPOINT_NAME), temps: names(record.temps, TEMP_NAME) };
}

/** Writes the manifest atomically (a fixed temporary name, renamed), so a kill never leaves half of it. */
export function writeManifest(dir: string, manifest: CheckpointManifest): void {
  const target = join(dir, MANIFEST_FILE);
  const temp = `${target}.tmp`;
  const checkpoints = [...new Set(manifest.checkpoints)].sort();
  const text = JSON.stringify(
    {
      writtenBy: 'TrainLens',
      note: 'folders TrainLens wrote here; only these are ever pruned',
      checkpoints,
      temps: manifest.temps,
    },
    null,
    2,
  );
  writeFileSync(temp, `${text}\n`);
  renameSync(temp, target);
}

/**
 * Complete checkpoints in `dir`, oldest first: those the manifest lists that are on disk. A folder without a
 * manifest (written before TrainLens kept one) lists its `step-*` entries, for resuming only.
 */
export function listCheckpoints(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!existsSync(join(dir, MANIFEST_FILE)))
    return readdirSync(dir)
      .filter((entry) => CHECKPOINT_NAME.test(entry))
      .sort();
  return readManifest(dir)
    .checkpoints.filter((name) => existsSync(join(dir, name, 'state.json')))
    .sort();
}
