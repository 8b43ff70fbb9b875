import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FileRuleError } from '../../files/safeFiles';
import type { SourcePosition } from '../data/source';
import { readManifest, writeManifest } from './checkpointManifest';
import { makeDirectory } from '../../files/safeFiles';

export { listCheckpoints } from './checkpointManifest';

/** Everything besides tensors that a resumed run needs to continue exactly. */
export interface CheckpointState {
  readonly step: number;
  readonly configHash: string;
  readonly batches: SourcePosition;
  readonly finalLoss: number | null;
  /** Batch and accumulation in force (the memory manager may have changed them). */
  readonly batchSize?: number;
  readonly accumulation?: number;
  readonly createdAt: string;
  /** Names, shapes and byte offsets of the tensors in weights.bin, in order. */
  readonly tensors: ReadonlyArray<{
    readonly name: string;
    readonly shape: number[];
    readonly dtype: 'float32' | 'int32';
    readonly offset: number;
    readonly length: number;
  }>;
}

const PREFIX = 'step-';
const TEMP = '.tmp-';

/** A stable hash of the parts of the config that shape training, to refuse resuming a different config. */
export function configHash(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

/**
 * Writes a checkpoint atomically: everything goes into a temporary folder, which is renamed to `step-NNNNNNNN`
 * only when complete (a rename is atomic), so a crash at any moment leaves either no checkpoint or a whole one.
 * Then only the newest `keep` checkpoints are kept. Every folder it creates is listed in the folder's manifest
 * before it exists, and only listed folders are ever deleted (checkpointManifest.ts): a folder it did not create
 * survives, whatever its name.
 */
export async function writeCheckpoint(
  dir: string,
  state: Omit<CheckpointState, 'tensors' | 'createdAt'>,
  tensors: ReadonlyArray<{ name: string; tensor: tf.Tensor }>,
  keep: number,
): Promise<string> {
  makeDirectory(dir, 'monitoring.checkpoints.dir');
  const name = `${PREFIX}${String(state.step).padStart(8, '0')}`;
  const tempName = `${TEMP}${name}-${process.pid}`;
  const temp = join(dir, tempName);
  const final = join(dir, name);
  const manifest = readManifest(dir);
  // One writer per run: a temporary folder still listed is what a killed writer left behind.
  for (const left of manifest.temps) rmSync(join(dir, left), { recursive: true, force: true });
  const ours = new Set(manifest.checkpoints);
  for (const [path, entry] of [
    [final, name],
    [temp, tempName],
  ] as const) {
    if (existsSync(path) && !ours.has(entry))
      throw new FileRuleError(
        `monitoring.checkpoints.dir: ${path} exists and TrainLens did not write it; TrainLens leaves it as it is: move it, or choose another monitoring.checkpoints.dir`,
        path,
      );
  }
  writeManifest(dir, { checkpoints: manifest.checkpoints, temps: [tempName] });
  mkdirSync(temp);
  await writeContents(temp, state, tensors);
  // Listed before the rename, so a kill between the two leaves nothing of ours unlisted.
  const kept = [...new Set([...manifest.checkpoints, name])].sort();
  writeManifest(dir, { checkpoints: kept, temps: [tempName] });
  rmSync(final, { recursive: true, force: true });
  renameSync(temp, final);
  const pruned = kept.slice(0, -Math.max(1, keep));
  for (const old of pruned) rmSync(join(dir, old), { recursive: true, force: true });
  writeManifest(dir, { checkpoints: kept.slice(pruned.length), temps: [] });
  return final;
}

/** weights.bin (the tensors, back to back) and state.json (the state and the tensors' layout) in `folder`. */
async function writeContents(
  folder: string,
  state: Omit<CheckpointState, 'tensors' | 'createdAt'>,
  tensors: ReadonlyArray<{ name: string; tensor: tf.Tensor }>,
): Promise<void> {
  const layout: Array<CheckpointState['tensors'][number]> = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const { name: tensorName, tensor } of tensors) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32')
      throw new Error(`cannot checkpoint a ${tensor.dtype} tensor (${tensorName})`);
    const values = await tensor.data();
    const data = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    layout.push({ name: tensorName, shape: tensor.shape, dtype: tensor.dtype, offset, length: data.length });
    chunks.push(data);
    offset += data.length;
  }
  writeFileSync(join(folder, 'weights.bin'), Buffer.concat(chunks));
  writeFileSync(
    join(folder, 'state.json'),
    JSON.stringify({ ...state, createdAt: new Date().toISOString(), tensors: layout }),
  );
}

/** Reads only a checkpoint's state (no tensors: usable before a TF.js backend is selected). */
export function readCheckpointState(path: string): CheckpointState {
  return JSON.parse(readFileSync(join(path, 'state.json'), 'utf8')) as CheckpointState;
}

/** Reads a checkpoint folder back: its state and its tensors (float32 or int32, as written) by name. */
export function readCheckpoint(path: string): { state: CheckpointState; tensors: Map<string, tf.Tensor> } {
  const state = JSON.parse(readFileSync(join(path, 'state.json'), 'utf8')) as CheckpointState;
  const bytes = readFileSync(join(path, 'weights.bin'));
  const tensors = new Map<string, tf.Tensor>();
  for (const entry of state.tensors) {
    const slice = bytes.buffer.slice(bytes.byteOffset + entry.offset, bytes.byteOffset + entry.offset + entry.length);
    tensors.set(
      entry.name,
      entry.dtype === 'int32'
        ? tf.tensor(new Int32Array(slice), entry.shape, 'int32')
        : tf.tensor(new Float32Array(slice), entry.shape),
    );
  }
  return { state, tensors };
}
