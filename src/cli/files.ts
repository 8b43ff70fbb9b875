/**
 * The CLI's side of the files a command names: a config it is about to train is checked before any engine starts
 * (so a missing config is a usage error, exit 2, as `validate` says it), and a report it writes fails with the
 * path and the cause in words, never as an "internal error".
 */
import { accessSync, constants, existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError, ExitCode } from './errors';

/** Why `path` cannot be read as a config, in the words `validate` uses, or undefined when it can be read. */
function unreadableBecause(path: string): string | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'the file does not exist';
    if (code === 'ENOTDIR') return 'a part of its path is a file, not a folder';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return (error as Error).message.split('\n')[0];
  }
  if (stats.isDirectory()) return 'it is a folder';
  // Checked before opening: opening a named pipe for reading would wait for a writer forever.
  if (stats.isFIFO()) return 'it is a named pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'it is a device';
  if (!stats.isFile()) return 'it is not a regular file (a socket)';
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return 'permission denied';
  }
  return undefined;
}

/**
 * Checks that the config `file` can be read, before an engine is started for it, and returns its absolute path.
 * Throws a usage error (exit 2, the CLI contract's code for unreadable input) that names the file.
 */
export function checkConfigReadable(file: string): string {
  const path = resolve(file);
  const reason = unreadableBecause(path);
  if (reason)
    throw new CliError(`cannot read the config: ${reason}.`, ExitCode.usage, 'Pass the path of a training YAML file.', {
      file,
    });
  return path;
}

/** Why writing `file` failed and what to do, from the error's code (Node's syscall wording left out). */
export function writeFailure(file: string, error: unknown): { readonly reason: string; readonly fix: string } {
  const folder = dirname(resolve(file));
  const other = 'Choose another path.';
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return existsSync(folder)
        ? { reason: `no file can be created in ${folder}`, fix: other }
        : { reason: `the folder ${folder} does not exist`, fix: `Create it first, or ${other.toLowerCase()}` };
    case 'ENOTDIR':
      return { reason: `a part of ${folder} is a file, not a folder`, fix: other };
    case 'EISDIR':
      return { reason: 'it is a folder', fix: 'Give a file name inside it.' };
    case 'EACCES':
    case 'EPERM':
      return { reason: 'permission denied', fix: `Choose a folder you can write to.` };
    case 'EROFS':
      return { reason: 'the file system is read-only', fix: other };
    case 'ENOSPC':
      return { reason: 'the disk is full', fix: 'Free some space, or choose another disk.' };
    default:
      return { reason: error instanceof Error ? error.message.split('\n')[0]! : String(error), fix: other };
  }
}

/** A usage error (exit 2) for a file that could not be written: `what` names it ("the report"). */
export function writeError(file: string, what: string, error: unknown): CliError {
  const { reason, fix } = writeFailure(file, error);
  return new CliError(`cannot write ${what}: ${reason}.`, ExitCode.usage, fix, { file });
}

/**
 * Checks, before the work that produces it (a training run, reading a large trace), that an output file can be
 * created: its folder exists and can be written, and it is not a folder itself. Throws like {@link writeOutputFile}.
 */
export function checkOutputPath(file: string, what: string): void {
  const path = resolve(file);
  try {
    if (existsSync(path) && statSync(path).isDirectory())
      throw Object.assign(new Error(`${path} is a folder`), { code: 'EISDIR' });
    accessSync(dirname(path), constants.W_OK);
  } catch (error) {
    throw writeError(file, what, error);
  }
}

/** Writes a command's output file; a failure names the path and the cause (exit 2). */
export function writeOutputFile(file: string, text: string, what: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw writeError(file, what, error);
  }
}

/**
 * Replaces `file` with `text` through a temporary file beside it and a rename, so a failed write leaves the old
 * file whole; a failure names the path and the cause (exit 2) and removes the temporary file.
 */
export function replaceFile(file: string, text: string, what: string): void {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw writeError(file, what, error);
  }
}
