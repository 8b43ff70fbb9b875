import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SourcePosition } from '../data/source';

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
 * Then only the newest `keep` checkpoints are kept.
 */
export async function writeCheckpoint(
  dir: string,
  state: Omit<CheckpointState, 'tensors' | 'createdAt'>,
  tensors: ReadonlyArray<{ name: string; tensor: tf.Tensor }>,
  keep: number,
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const name = `${PREFIX}${String(state.step).padStart(8, '0')}`;
  const temp = join(dir, `${TEMP}${name}-${process.pid}`);
  // One writer per run: any other temporary folder is what a killed writer left behind.
  for (const entry of readdirSync(dir))
    if (entry.startsWith(TEMP)) rmSync(join(dir, entry), { recursive: true, force: true });
  mkdirSync(temp);
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
  writeFileSync(join(temp, 'weights.bin'), Buffer.concat(chunks));
  writeFileSync(
    join(temp, 'state.json'),
    JSON.stringify({ ...state, createdAt: new Date().toISOString(), tensors: layout }),
  );
  const final = join(dir, name);
  rmSync(final, { recursive: true, force: true });
  renameSync(temp, final);
  for (const old of listCheckpoints(dir).slice(0, -Math.max(1, keep)))
    rmSync(join(dir, old), { recursive: true, force: true });
  return final;
}

/** Complete checkpoints in `dir`, oldest first (temporary folders of interrupted writes are ignored). */
export function listCheckpoints(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => entry.startsWith(PREFIX))
    .sort();
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
