/**
 * File rules every reader and writer follows (docs/config.md, "Paths"): read paths may be anywhere the user points,
 * but only regular files are opened and their size is checked before a byte is read (so `/dev/zero`, a FIFO or a
 * 10 GB mistake fail at once with a message); what TrainLens writes stays inside the folder it owns, resolved
 * through real paths so neither `..` nor a symlink climbs out.
 */
import { lstatSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A read or write refused by the file rules; the message names the file and the fix. */
export class FileRuleError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'FileRuleError';
  }
}

/** What a file is, in words, when it is not a regular file. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Checks that `file` is a regular file (following symlinks) of at most `maxBytes`, and returns its size. `what`
 * names it in the message, e.g. `the config` or `data.path`.
 */
export function checkRegularFile(file: string, what: string, maxBytes = Infinity): number {
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileRuleError(
      code === 'ENOENT' ? `${what}: ${file} does not exist` : `${what}: cannot read ${file} (${code ?? 'error'})`,
      file,
    );
  }
  if (!stats.isFile())
    throw new FileRuleError(
      `${what}: ${file} is ${kindOf(stats)}, not a file TrainLens can read; name a regular file`,
      file,
    );
  if (stats.size > maxBytes)
    throw new FileRuleError(
      `${what}: ${file} is ${stats.size.toLocaleString('en-US')} bytes, over the limit of ${maxBytes.toLocaleString('en-US')}; is it the right file?`,
      file,
    );
  return stats.size;
}

/** Reads a regular file of at most `maxBytes` as UTF-8, after {@link checkRegularFile}. */
export function readBoundedText(file: string, what: string, maxBytes: number): string {
  checkRegularFile(file, what, maxBytes);
  return readFileSync(file, 'utf8');
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest (for paths not created yet). */
export function realPathOf(path: string): string {
  const absolute = resolve(path);
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return absolute;
      missing.push(current.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      current = parent;
    }
  }
}

/** Whether `child` is `root` or inside it, both resolved through real paths. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(realPathOf(root), realPathOf(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Resolves `path` (relative to `root`) and checks that it stays inside `root` through real paths; `what` names
 * the setting in the message, e.g. `monitoring.checkpoints.dir`.
 */
export function resolveInside(root: string, path: string, what: string): string {
  const target = resolve(root, path);
  if (!isInside(root, target))
    throw new FileRuleError(
      `${what}: "${path}" resolves to ${realPathOf(target)}, outside ${realPathOf(root)}; TrainLens writes only inside the run folder: use a relative path without ".."`,
      target,
    );
  return target;
}

/** Whether `path` is a symbolic link (not followed). */
export function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
