import { dirname, isAbsolute, posix, resolve, win32 } from 'node:path';
import type { SemanticCheck } from './context';
import { fixValue } from './training';

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

/**
 * What TrainLens writes stays inside the run folder: `monitoring.checkpoints.dir` may not be absolute or climb out
 * with `..` (old checkpoints are pruned there). The engine also resolves it through real paths before a run, which
 * catches a symlink out as well.
 */
export const checkWritePaths: SemanticCheck = (ctx) => {
  const dir = ctx.config.monitoring?.checkpoints?.dir;
  if (dir === undefined) return;
  const normalized = posix.normalize(dir.replace(/\\/g, '/'));
  const absolute = posix.isAbsolute(normalized) || win32.isAbsolute(dir);
  if (!absolute && normalized !== '..' && !normalized.startsWith('../')) return;
  const path = ['monitoring', 'checkpoints', 'dir'];
  ctx.report(
    'error',
    'semantic/path-outside-run',
    path,
    `monitoring.checkpoints.dir: "${dir}" ${absolute ? 'is an absolute path' : 'climbs out with ".."'}, outside the run folder; TrainLens writes checkpoints only inside the run folder (and prunes old ones there). Use a relative path without "..", such as "checkpoints".`,
    { fixes: fixValue(ctx.valueSpan(path), 'checkpoints', 'monitoring.checkpoints.dir') },
  );
};
