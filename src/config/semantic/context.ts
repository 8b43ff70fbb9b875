import type { Node } from 'yaml';
import type { ConfigDiagnostic, DiagnosticSeverity, QuickFix } from '../diagnostic';
import { formatPath } from '../diagnostic';
import { locate, nodeSpan, rangeOf, type ConfigSource } from '../source';
import type { TrainConfig } from '../types';

/** What semantic checks may know beyond the text. */
export interface SemanticEnvironment {
  /** Absolute path of the config file; relative paths in the config are resolved against its folder. */
  readonly configPath?: string;
  /** Whether a file exists (injected so checks stay pure and testable). */
  readonly fileExists?: (absolutePath: string) => boolean;
  /** Memory the run could use when `engine.memory_limit_mb` is not set (detected device or machine memory). */
  readonly availableMemoryBytes?: number;
}

/** Everything a semantic check receives: the schema-valid config, its source, and a way to report. */
export interface CheckContext {
  readonly config: TrainConfig;
  readonly source: ConfigSource;
  readonly env: SemanticEnvironment;
  /** Reports a finding on the value (or, if absent, the key) at `path`, falling back to the nearest parent. */
  report(
    severity: DiagnosticSeverity,
    code: string,
    path: readonly (string | number)[],
    message: string,
    options?: { readonly on?: 'key' | 'value'; readonly fixes?: readonly QuickFix[] },
  ): void;
  /** Offsets of the value at `path`, for fixes that replace it. */
  valueSpan(path: readonly (string | number)[]): [number, number] | undefined;
}

/** A semantic check: reads the config and reports through the context. */
export type SemanticCheck = (context: CheckContext) => void;

/** Builds the context for one validation pass, collecting reports into `out`. */
export function createContext(
  config: TrainConfig,
  source: ConfigSource,
  env: SemanticEnvironment,
  out: ConfigDiagnostic[],
): CheckContext {
  return {
    config,
    source,
    env,
    report(severity, code, path, message, options = {}) {
      const where = locate(source.doc, path);
      const node: Node | undefined =
        (options.on === 'key' ? where.key : where.value) ?? where.key ?? where.value ?? where.parent;
      const [start, end] = node ? nodeSpan(node) : [0, 1];
      out.push({
        severity,
        code,
        message,
        path: formatPath(path),
        range: rangeOf(source, start, end),
        ...(options.fixes && options.fixes.length > 0 ? { fixes: options.fixes } : {}),
      });
    },
    valueSpan(path) {
      const value = locate(source.doc, path).value;
      return value ? nodeSpan(value) : undefined;
    },
  };
}

/** Optimizer steps the run will take, when the config says enough to know (steps, or epochs over known samples). */
export function totalSteps(config: TrainConfig): number | undefined {
  if (config.training.steps !== undefined) return config.training.steps;
  const samples = config.data.source === 'synthetic' ? (config.data.samples ?? 8192) : undefined;
  if (samples === undefined) return undefined;
  const train = Math.floor(samples * (1 - (config.data.validation_split ?? 0.1)));
  const perStep = config.data.batch_size * (config.training.gradient_accumulation ?? 1);
  return (config.training.epochs ?? 1) * Math.ceil(train / perStep);
}
