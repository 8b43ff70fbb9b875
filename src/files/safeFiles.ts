/**
 * File rules every reader and writer follows (docs/config.md, "Paths"): read paths may be anywhere the user points,
 * but only regular files are opened and their size is checked before a byte is read (so `/dev/zero`, a FIFO or a
 * 10 GB mistake fail at once with a message); what TrainLens writes stays inside the folder it owns, resolved
 * through real paths so neither `..` nor a symlink climbs out.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Which rule refused a file: it is missing, not a regular file, over its size limit, unreadable, or out of bounds. */
export type FileRuleCode = 'missing' | 'not-regular' | 'too-large' | 'unreadable' | 'outside';

/** A read or write refused by the file rules; the message names the file and the fix. */
export class FileRuleError extends Error {
  constructor(
    message: string,
    readonly file: string,
    /** The message without the setting and the file, for callers that name them already ("it is a device…"). */
    readonly reason: string = message,
    readonly code: FileRuleCode = 'outside',
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
    if (code === 'ENOENT')
      throw new FileRuleError(`${what}: ${file} does not exist`, file, 'the file does not exist', 'missing');
    throw refused(what, file, `cannot be read (${code ?? 'error'})`, 'unreadable');
  }
  checkStats(stats, file, what, maxBytes);
  return stats.size;
}

/** The rule on what `stats` says: a regular file within the limit. */
function checkStats(stats: Stats, file: string, what: string, maxBytes: number): void {
  if (!stats.isFile())
    throw refused(what, file, `is ${kindOf(stats)}, not a file TrainLens can read; name a regular file`, 'not-regular');
  if (stats.size > maxBytes) throw tooLarge(what, file, stats.size, maxBytes);
}

/** A refusal whose message is `what: file <reason>`, and whose reason reads on its own as `it <reason>`. */
function refused(what: string, file: string, reason: string, code: FileRuleCode): FileRuleError {
  return new FileRuleError(`${what}: ${file} ${reason}`, file, `it ${reason}`, code);
}

/** A file over the limit: by its size, or (`size` undefined) by what reading it gave. */
function tooLarge(what: string, file: string, size: number | undefined, maxBytes: number): FileRuleError {
  const limit = maxBytes.toLocaleString('en-US');
  return refused(
    what,
    file,
    size === undefined
      ? `gives more than ${limit} bytes, the limit; is it the right file?`
      : `is ${size.toLocaleString('en-US')} bytes, over the limit of ${limit}; is it the right file?`,
    'too-large',
  );
}

/**
 * Reads a regular file of at most `maxBytes`. The file is checked before it is opened (a FIFO would block the
 * open), opened non-blocking, checked again on the open descriptor (it may have been swapped), and read to at most
 * `maxBytes + 1` bytes whatever its size claims: a file under /proc says 0 and a growing file says less than it
 * gives.
 */
export function readBoundedBytes(file: string, what: string, maxBytes: number): Buffer {
  checkRegularFile(file, what, maxBytes);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw refused(what, file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'unreadable');
  }
  try {
    const stats = fstatSync(fd);
    checkStats(stats, file, what, maxBytes);
    const limit = Math.min(maxBytes, 0x7fff_ffff) + 1;
    let buffer = Buffer.allocUnsafe(Math.min(limit, Math.max(stats.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length >= limit) throw tooLarge(what, file, undefined, maxBytes);
        const grown = Buffer.allocUnsafe(Math.min(limit, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** Reads a regular file of at most `maxBytes` as UTF-8 (see {@link readBoundedBytes}). */
export function readBoundedText(file: string, what: string, maxBytes: number): string {
  return readBoundedBytes(file, what, maxBytes).toString('utf8');
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
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
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

/**
 * Resolves a path that a file names relative to its own folder (a weights-manifest entry beside model.json) for
 * reading: refused when it is absolute, has a `..` segment, or leads out of `dir` through a symlink. `what` names
 * the file that lists it, e.g. `model.path: the weight file "x" listed in /m/model.json`.
 */
export function resolveBeside(dir: string, path: string, what: string): string {
  const segments = path.split(/[\\/]/);
  const target = resolve(dir, path);
  let problem: string | undefined;
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path)) problem = 'is an absolute path';
  else if (segments.includes('..')) problem = 'climbs out with ".."';
  else if (!isInside(dir, target)) problem = `leads out through a symbolic link (to ${realPathOf(target)})`;
  if (problem)
    throw new FileRuleError(
      `${what} ${problem}; the files a model lists must lie beside it, in ${dir}: name them relative to that folder`,
      target,
      problem,
      'outside',
    );
  return target;
}

/**
 * Creates the folder `path` and its missing parents, one level at a time, and returns it resolved. Node's
 * `mkdirSync(path, { recursive: true })` never returns where mkdir keeps answering ENOENT under a parent that
 * exists (`/proc/x`: it retries the parent and the child forever); here each level is made once and a refusal is
 * a {@link FileRuleError} naming the folder. `what` names the setting, e.g. `--out`.
 */
export function makeDirectory(path: string, what: string): string {
  const target = resolve(path);
  const missing: string[] = [];
  for (let current = target; ;) {
    let stats;
    try {
      stats = statSync(current);
    } catch {
      const parent = dirname(current);
      if (parent === current) break;
      missing.push(current);
      current = parent;
      continue;
    }
    if (!stats.isDirectory())
      throw refused(
        what,
        current,
        `is ${stats.isFile() ? 'a file' : kindOf(stats)}, not a folder; name a folder to write in`,
        'not-regular',
      );
    break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(folder).isDirectory()) continue;
      throw refused(
        what,
        folder,
        `cannot be created (${code ?? 'error'}); name a folder on a file system you can write to`,
        'unreadable',
      );
    }
  }
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
