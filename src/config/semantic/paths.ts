import { dirname, isAbsolute, resolve } from 'node:path';
import type { SemanticCheck } from './context';

/** Paths in the config (model and data files) must exist, relative to the config file's folder. */
export const checkPaths: SemanticCheck = (ctx) => {
  const { configPath, fileExists } = ctx.env;
  if (!configPath || !fileExists) return;
  const base = dirname(configPath);
  const entries: Array<[readonly (string | number)[], string | undefined, string]> = [
    [['model', 'path'], ctx.config.model.path, 'saved model'],
    [['data', 'path'], ctx.config.data.path, ctx.config.data.source === 'module' ? 'data module' : 'data file'],
  ];
  for (const [path, value, what] of entries) {
    if (value === undefined) continue;
    const absolute = isAbsolute(value) ? value : resolve(base, value);
    if (!fileExists(absolute)) {
      ctx.report(
        'error',
        'semantic/path-not-found',
        path,
        `The ${what} "${value}" does not exist (looked for ${absolute}). Paths are relative to the config file.`,
      );
    }
  }
  if (ctx.config.data.source !== 'synthetic' && ctx.config.data.path === undefined) {
    ctx.report(
      'error',
      'semantic/data-path',
      ['data', 'source'],
      `data.source: ${ctx.config.data.source} reads from data.path, which is not set.`,
    );
  }
};
