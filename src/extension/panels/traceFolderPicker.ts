/**
 * "Open another trace from this folder": after a trace folder opens, its other traces (other workers, other
 * profiling cycles) are offered in a QuickPick, newest first, each with its rank, cycle, time and size.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { traceChoices } from '../../analysis/folderView';
import type { TraceFolderEntry } from '../../protocol/distributed';

/** The picker's button and title. */
export const OPEN_ANOTHER = 'Open another trace from this folder';

/** Offers `others` of the folder `dir` (a notification with a button, then the picker); `open` opens the one picked. */
export function offerOtherTraces(
  dir: string,
  others: readonly TraceFolderEntry[],
  open: (file: string) => Promise<unknown>,
): void {
  if (others.length === 0) return;
  const count = `${others.length} more trace${others.length === 1 ? '' : 's'}`;
  const pick = async (): Promise<void> => {
    const choice = await vscode.window.showInformationMessage(
      `TrainLens: ${basename(dir)} has ${count}.`,
      OPEN_ANOTHER,
    );
    if (choice !== OPEN_ANOTHER) return;
    const picked = await vscode.window.showQuickPick(traceChoices(others), {
      title: `TrainLens: ${OPEN_ANOTHER} (${basename(dir)})`,
      placeHolder: 'A trace of another worker or profiling cycle, newest first',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (picked) await open(picked.file);
  };
  pick().catch((error: unknown) => {
    void vscode.window.showErrorMessage(`TrainLens: cannot open the trace: ${(error as Error).message}`);
  });
}
