/**
 * The typed training config, as the schema (schemas/trainlens.schema.json) allows it. Every field is optional here
 * because the schema's defaults are applied where the config is used; the schema, not this file, is the source of
 * truth for what is valid.
 */
import type { RequestedBackend } from '../protocol/backends';
export interface TrainConfig {
  readonly version: 1;
  readonly model: ModelConfig;
  readonly data: DataConfig;
  readonly training: TrainingConfig;
  readonly optimization?: OptimizationConfig;
  readonly monitoring?: MonitoringConfig;
  readonly engine?: EngineConfig;
  readonly tuning?: TuningConfig;
}

/** `model`: a preset, an explicit layer list, or a saved model. */
export interface ModelConfig {
  readonly preset?: 'mlp' | 'cnn' | 'lstm' | 'transformer';
  readonly input_shape?: readonly number[];
  readonly hidden?: readonly number[];
  readonly filters?: readonly number[];
  readonly units?: number;
  readonly num_layers?: number;
  readonly d_model?: number;
  readonly heads?: number;
  readonly ff_dim?: number;
  readonly vocab_size?: number;
  readonly outputs?: number;
  readonly activation?: string;
  readonly dropout?: number;
  readonly layers?: readonly LayerConfig[];
  readonly path?: string;
}

/** One entry of `model.layers`. */
export interface LayerConfig {
  readonly type: 'dense' | 'conv2d' | 'maxpool2d' | 'flatten' | 'dropout' | 'lstm' | 'embedding' | 'layer_norm';
  readonly units?: number;
  readonly filters?: number;
  readonly kernel_size?: number;
  readonly activation?: string;
  readonly rate?: number;
  readonly vocab_size?: number;
}

/** `data`. */
export interface DataConfig {
  readonly source: 'synthetic' | 'csv' | 'jsonl' | 'module';
  readonly path?: string;
  readonly task?: 'classification' | 'regression';
  readonly samples?: number;
  readonly label_column?: string;
  readonly feature_columns?: readonly string[];
  readonly normalize?: boolean;
  readonly validation_split?: number;
  readonly shuffle?: boolean;
  readonly seed?: number;
  readonly batch_size: number;
  readonly prefetch?: number;
  readonly workers?: number;
  readonly cache?: boolean;
}

/** `training`. */
export interface TrainingConfig {
  readonly epochs?: number;
  readonly steps?: number;
  readonly optimizer: {
    readonly name: 'sgd' | 'momentum' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';
    readonly learning_rate?: number;
  };
  readonly schedule?: { readonly type?: string; readonly warmup_steps?: number; readonly decay_steps?: number };
  readonly loss: string;
  readonly metrics?: readonly string[];
  readonly gradient_accumulation?: number;
  readonly clip_norm?: number;
  readonly validation_every?: number;
  readonly early_stopping?: { readonly metric?: string; readonly patience?: number };
  readonly seed?: number;
}

/** The concrete switches an optimization level sets. */
export interface OptimizationSwitches {
  readonly prefetch?: number;
  readonly workers?: number;
  readonly activation_checkpointing?: boolean;
  readonly mixed_precision?: boolean;
  readonly nan_guard?: 'stop' | 'skip_step' | 'off';
  readonly memory?: {
    readonly warn_at?: number;
    readonly act_at?: number;
    readonly action?: 'warn' | 'dispose_caches' | 'reduce_batch';
  };
}

/** `optimization`: a level and explicit switches. */
export interface OptimizationConfig extends OptimizationSwitches {
  readonly level?: 'basic' | 'advanced' | 'ultra' | 'custom';
}

/** `monitoring`. */
export interface MonitoringConfig {
  readonly log_every?: number;
  readonly memory_interval_ms?: number;
  readonly profiling?: {
    readonly enabled?: boolean;
    readonly warmup_steps?: number;
    readonly steps?: number;
    readonly kernel_sampling?: boolean;
  };
  readonly checkpoints?: {
    readonly dir?: string;
    readonly every?: number;
    readonly keep?: number;
    /** Minutes of training time between time-based checkpoints (default 10; 0 turns them off). */
    readonly every_minutes?: number;
    /** A checkpoint when the run ends, so `--resume` can extend it (default true). */
    readonly last?: boolean;
    readonly best_metric?: string;
    readonly mode?: 'min' | 'max';
  };
}

/** `engine`. */
export interface EngineConfig {
  readonly backend?: RequestedBackend;
  readonly threads?: number;
  readonly memory_limit_mb?: number;
}

/** `tuning`. */
export interface TuningConfig {
  readonly objective?: 'throughput' | 'time_to_loss';
  readonly target_loss?: number;
  readonly budget_seconds?: number;
  readonly memory_cap_mb?: number;
  readonly keep_effective_batch?: boolean;
  readonly search?: Readonly<Record<string, readonly (number | string)[]>>;
  readonly trials?: {
    readonly warmup_steps?: number;
    readonly measure_steps?: number;
    readonly max_repeats?: number;
    readonly noise_threshold?: number;
  };
}
