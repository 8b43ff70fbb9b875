/**
 * What the profile panel and the HTML report show for a trace folder (`tensorboard_trace_handler`'s): several ranks
 * of one profiling cycle are a job, shown as the lowest rank's profile with the Distributed view of all of them;
 * otherwise the newest trace alone. Either way the folder's other traces are offered (a picker in VS Code, a list
 * in the CLI). The decision is {@link planTraceFolder}, pure, so it is tested without VS Code.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { TraceFolder, TraceFolderEntry } from '../protocol/distributed';
import type { ProfileView } from '../protocol/profileView';
import { loadProfile } from './analyze';
import { isRunFolder, jobEntries } from './distributed/folder';
import { analyzeJob } from './distributed/job';
import { buildProfileView } from './view';

/**
 * Whether `path` opens as a trace folder: a folder that is not a TrainLens run (run.json). One without traces is
 * still one, so that listing it says it has none, naming it (rather than "not a TrainLens run").
 */
export function opensAsTraceFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory() && !isRunFolder(path);
  } catch {
    return false;
  }
}

/** What to show for a folder: a job of several ranks, or one trace; `others` are the traces offered besides. */
export type FolderPlan =
  | {
      readonly kind: 'job';
      /** One trace per rank of the latest cycle two or more ranks share, by rank. */
      readonly ranks: readonly TraceFolderEntry[];
      /** The rank whose own profile the other views show (the lowest). */
      readonly shown: TraceFolderEntry;
      readonly others: readonly TraceFolderEntry[];
    }
  | { readonly kind: 'single'; readonly shown: TraceFolderEntry; readonly others: readonly TraceFolderEntry[] };

/** Decides what a folder shows (see the file's comment); `folder` lists at least one trace (listTraceFolder's). */
export function planTraceFolder(folder: TraceFolder): FolderPlan {
  const ranks = jobEntries(folder);
  if (ranks && ranks.length >= 2) {
    const inJob = new Set(ranks.map((e) => e.file));
    return { kind: 'job', ranks, shown: ranks[0]!, others: folder.entries.filter((e) => !inJob.has(e.file)) };
  }
  const [shown, ...others] = folder.entries;
  if (!shown) throw new Error(`the folder ${folder.dir} lists no trace`);
  return { kind: 'single', shown, others };
}

/** One trace offered in a picker: its file name, and where it stands (worker, rank, cycle, when, size). */
export interface TraceChoice {
  readonly label: string;
  readonly description: string;
  readonly detail: string;
  readonly file: string;
}

/** The picker's items for `entries`, in their order (newest first). */
export function traceChoices(entries: readonly TraceFolderEntry[]): TraceChoice[] {
  return entries.map((entry) => ({
    label: basename(entry.file),
    description: [
      entry.rank !== undefined ? `rank ${entry.rank}` : `worker ${entry.worker}`,
      `cycle ${entry.cycle + 1}`,
    ].join(' · '),
    detail: `written ${new Date(entry.timeMs).toISOString().replace('T', ' ').slice(0, 19)} UTC · ${(entry.bytes / 1024 / 1024).toFixed(1)} MB`,
    file: entry.file,
  }));
}

/** How {@link buildFolderView} reports progress: bytes of the shown trace read, ranks of the job read. */
export interface FolderViewOptions {
  readonly onBytes?: (bytes: number) => void;
  readonly onRanks?: (done: number, total: number) => void;
}

/**
 * Builds the view of a folder's plan: the shown trace's profile (with its spans, for the timeline) and, for a job,
 * the distributed report of its ranks, read one at a time.
 */
export async function buildFolderView(
  folder: TraceFolder,
  plan: FolderPlan,
  options: FolderViewOptions = {},
): Promise<ProfileView> {
  const profile = await loadProfile(plan.shown.file, options.onBytes, { spans: true });
  if (plan.kind === 'single') return buildProfileView(profile);
  const report = await analyzeJob(
    plan.ranks.map((e) => e.file),
    options.onRanks ? { onProgress: options.onRanks } : {},
  );
  const rank = report.ranks.find((r) => r.file === plan.shown.file)?.rank ?? plan.shown.rank;
  const title = `${basename(folder.dir)}: rank ${rank ?? '?'} of ${report.ranks.length} read`;
  return { ...buildProfileView(profile, { title }), distributed: { ...report, folder } };
}
