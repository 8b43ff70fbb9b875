/**
 * Which file Apply fix may edit, without `vscode` so it is tested on its own (fixTarget.test.ts). A run record
 * names its config by path, and a record is only a file in a folder: it may name any file. So the path is resolved
 * through real paths first (neither `..` nor a symlink may lead out of the workspace or onto another file), and the
 * file it leads to must be a TrainLens config by the project's own detection (src/config/detect.ts) on its text.
 */
import { basename, isAbsolute } from 'node:path';
import { isTrainLensConfig } from '../../config/detect';
import { MAX_CONFIG_BYTES } from '../../config/parse';
import { isInside, readBoundedText, realPathOf } from '../../files/safeFiles';

/** The file to edit (its real path), or why nothing may be edited. */
export type FixTarget = { readonly ok: true; readonly file: string } | { readonly ok: false; readonly reason: string };

/** What {@link fixTarget} decides from. */
export interface FixTargetInput {
  /** The config the profile names (run.json's `configPath`), if it names one. */
  readonly configPath: string | undefined;
  /** The workspace's folders, as file system paths. */
  readonly workspaceFolders: readonly string[];
  readonly trusted: boolean;
  /** Reads the file's text; by default a regular file of at most the config size limit. */
  readonly readText?: (file: string) => string;
}

const refuse = (reason: string): FixTarget => ({ ok: false, reason });

/** Decides whether Apply fix may edit the config a profile names, and which file that is after resolving it. */
export function fixTarget(input: FixTargetInput): FixTarget {
  const { configPath } = input;
  if (!configPath) return refuse('This profile did not come from a TrainLens config.');
  if (!input.trusted) return refuse('Trust the workspace to let TrainLens edit its files.');
  // A relative path would be resolved against the extension host's folder, which means nothing here.
  if (!isAbsolute(configPath)) return refuse(`The run names its config as "${configPath}", not an absolute path.`);
  const file = realPathOf(configPath);
  const shown = file === configPath ? configPath : `${configPath} (which is ${file})`;
  if (!input.workspaceFolders.some((folder) => isInside(folder, file)))
    return refuse(`${shown} is outside the workspace; TrainLens only edits files in the workspace.`);
  let text: string;
  try {
    text = (input.readText ?? ((f) => readBoundedText(f, 'the config', MAX_CONFIG_BYTES)))(file);
  } catch (error) {
    return refuse(`Cannot read ${shown}: ${(error as Error).message}.`);
  }
  if (!isTrainLensConfig(file, text))
    return refuse(
      `${basename(file)} is not a TrainLens config (its name is not *.trainlens.yaml and it has no TrainLens schema ` +
        'modeline); TrainLens only edits its own configs.',
    );
  return { ok: true, file };
}
