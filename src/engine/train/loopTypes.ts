import type * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../../config/types';
import type { InMemoryDataset } from '../data/dataset';
import type { BatchSource } from '../data/source';
import type { CheckpointState } from '../run/checkpoint';
import type { MemoryMonitor } from './memoryMonitor';
import type { StepProfiler } from './stepProfiler';

/** One row of metrics.jsonl. */
export interface MetricsRecord {
  readonly step: number;
  readonly epoch: number;
  readonly values: Readonly<Record<string, number>>;
}

/** Callbacks through which the loop reports; all optional. */
export interface LoopHooks {
  onProgress?(step: number, totalSteps: number, epoch: number, samplesPerSec: number): void;
  onMetrics?(record: MetricsRecord): void;
  /** Polled between steps; true ends the run as `stopped`, after the emergency checkpoint. */
  shouldStop?(): boolean;
  /** Polled when `shouldStop` is true: true skips the emergency checkpoint (`run/cancel` with `force`). */
  forceStop?(): boolean;
}

/** The outcome of the loop. */
export interface LoopResult {
  readonly status: 'completed' | 'stopped' | 'failed';
  readonly steps: number;
  readonly samplesPerSec: number;
  readonly finalLoss: number | null;
  readonly peakTensorBytes: number;
  readonly stepTimesMs: readonly number[];
  /** Samples each optimizer step consumes (batch size × gradient accumulation). */
  readonly samplesPerStep: number;
  /** Time each step waited for its batches (all micro-batches), in ms, parallel to `stepTimesMs`. */
  readonly dataWaitMs: readonly number[];
  /** Why the run failed or stopped early (NaN guard), when it did. */
  readonly reason?: string;
  /** A failed loop's cause by kind: the NaN guard stopped it at `step` (1-based). */
  readonly failure?: { readonly kind: 'nan'; readonly message: string; readonly step: number };
}

/** Where and how often the loop writes checkpoints. */
export interface CheckpointPlan {
  readonly dir: string;
  /** Regular checkpoints every N steps; undefined writes only the emergency one on stop. */
  readonly every?: number;
  /** Also a checkpoint after every this many ms of training time; undefined or 0 writes none by time. */
  readonly everyMs?: number;
  /** A checkpoint when the run completes (early stopping included), so it can be extended with `--resume`. */
  readonly last?: boolean;
  readonly keep: number;
  readonly configHash: string;
  /** Also keep the checkpoint with the best value of this metric (e.g. val_loss) in `dir/best`. */
  readonly bestMetric?: string;
  readonly bestMode?: 'min' | 'max';
}

/** Everything the loop trains with. */
export interface LoopInput {
  /** Samples memory at step boundaries and finds leaks; its `act` signal triggers `optimization.memory.action`. */
  readonly memory?: MemoryMonitor;
  /** Told when the memory action changed the batch (reduce_batch). */
  readonly onMemoryAction?: (message: string) => void;
  readonly checkpoints?: CheckpointPlan;
  /** Records the phases of the steps in the profiling window (trace.json). */
  readonly profiler?: StepProfiler;
  /** A checkpoint to continue from: its state and tensors (model weights `model/N`, optimizer state `opt/N`). */
  readonly resume?: { readonly state: CheckpointState; readonly tensors: Map<string, tf.Tensor> };
  readonly config: TrainConfig;
  readonly model: tf.LayersModel;
  readonly batches: BatchSource;
  readonly validation?: InMemoryDataset;
  readonly totalSteps: number;
  readonly hooks?: LoopHooks;
}
