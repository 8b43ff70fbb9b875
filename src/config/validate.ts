import type { ConfigDiagnostic } from './diagnostic';
import { parseConfig, type ParseOptions } from './parse';
import { validateAgainstSchema } from './schemaValidate';
import { checkSemantics, type SemanticEnvironment } from './semantic';
import type { ConfigSource } from './source';
import type { TrainConfig } from './types';

/** Everything known about one config text after validation. */
export interface ValidationResult {
  /** Problems and facts, ordered by position. */
  readonly diagnostics: readonly ConfigDiagnostic[];
  /** The typed config, when the text is schema-valid. */
  readonly config?: TrainConfig;
  readonly source?: ConfigSource;
}

/**
 * Validates a training config text: YAML problems, then the JSON Schema, then (on a schema-valid config) the
 * semantic checks. Pure apart from `env.fileExists`; never throws on any input.
 */
export function validateConfigText(
  text: string,
  env: SemanticEnvironment = {},
  options: ParseOptions = {},
): ValidationResult {
  const parsed = parseConfig(text, options);
  const diagnostics = [...parsed.diagnostics];
  let config: TrainConfig | undefined;
  if (parsed.source && parsed.data !== undefined) {
    const schemaProblems = validateAgainstSchema(parsed.source, parsed.data);
    diagnostics.push(...schemaProblems);
    if (schemaProblems.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
      config = parsed.data as TrainConfig;
      diagnostics.push(...checkSemantics(config, parsed.source, env));
    }
  }
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset);
  return { diagnostics, ...(config ? { config } : {}), ...(parsed.source ? { source: parsed.source } : {}) };
}
