import type { ConfigDiagnostic } from '../diagnostic';
import type { ConfigSource } from '../source';
import type { TrainConfig } from '../types';
import { createContext, type SemanticCheck, type SemanticEnvironment } from './context';
import { checkMemory } from './memory';
import { checkModel } from './model';
import { checkMonitoring } from './monitoring';
import { checkOptimization } from './optimization';
import { checkPaths, checkWritePaths } from './paths';
import { checkTraining } from './training';

export type { SemanticEnvironment } from './context';

/** Every semantic check, in the order their findings are listed. */
const CHECKS: readonly SemanticCheck[] = [
  checkModel,
  checkPaths,
  checkWritePaths,
  checkTraining,
  checkOptimization,
  checkMonitoring,
  checkMemory,
];

/** Runs the checks beyond the schema on a schema-valid config. */
export function checkSemantics(
  config: TrainConfig,
  source: ConfigSource,
  env: SemanticEnvironment,
): ConfigDiagnostic[] {
  const out: ConfigDiagnostic[] = [];
  const context = createContext(config, source, env, out);
  for (const check of CHECKS) check(context);
  return out;
}
