import { dirname } from 'node:path';

/** `torch.profiler.tensorboard_trace_handler`'s file names: `<worker>.<time>.pt.trace.json[.gz]`. */
const HANDLER_NAME = /[/\\][^/\\]+\.\d+\.pt\.trace\.json(\.gz)?$/;

/**
 * The folders (sorted, each once) that hold at least one trace-handler file of `files`: where the Explorer offers
 * _Open Profile_ on a folder. No `vscode` here, so it is tested without VS Code.
 */
export function traceFolderPaths(files: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const file of files) if (HANDLER_NAME.test(file)) folders.add(dirname(file));
  return [...folders].sort();
}
