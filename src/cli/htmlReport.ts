import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadProfile } from '../analysis/analyze';
import { listTraceFolder } from '../analysis/distributed/folder';
import { buildFolderView, opensAsTraceFolder, planTraceFolder } from '../analysis/folderView';
import { TraceError } from '../analysis/ingest/traceReader';
import type { Profile } from '../analysis/profile';
import { buildCompareView, buildProfileView } from '../analysis/view';
import type { CompareView, ProfileView } from '../protocol/profileView';
import { renderStandaloneHtml } from '../webviewShell/html';
import { CliError, ExitCode } from './errors';
import { checkOutputPath, writeOutputFile } from './files';
import type { CliIo } from './io';

/** The profile panel's built bundle: its script and its stylesheet. */
export interface WebviewBundle {
  readonly script: string;
  readonly style: string;
}

/** The view without its large parts (memory curves, timeline spans), and those parts by name. */
function splitHeavy(view: ProfileView | CompareView): { core: object; heavy: Record<string, unknown> } {
  if (view.kind !== 'profile') return { core: view, heavy: {} };
  const { memory, timeline, ...core } = view;
  return { core, heavy: { ...(memory ? { memory } : {}), ...(timeline ? { timeline } : {}) } };
}

/**
 * The standalone HTML report: one self-contained file with the profile panel's own bundle and the view's data, so
 * it opens offline in any browser and shows the same five views as the panel (or the compare view). The shell
 * (src/webviewShell) gives it its strict Content-Security-Policy: no network at all, only its own inline script and
 * styles (by nonce) run.
 */
export function renderReportHtml(view: ProfileView | CompareView, bundle: WebviewBundle): string {
  // The curves and spans go after the script, each in its own block: the page shows the Overview while the browser
  // is still reading them, and each is parsed only when its view opens.
  const { core, heavy } = splitHeavy(view);
  return renderStandaloneHtml({
    title:
      view.kind === 'compare' ? `TrainLens: ${view.before.title} → ${view.after.title}` : `TrainLens: ${view.title}`,
    script: bundle.script,
    style: bundle.style,
    data: { 'trainlens-data': { view: core, lazy: Object.keys(heavy) } },
    lateData: Object.fromEntries(Object.entries(heavy).map(([key, value]) => [`trainlens-data-${key}`, value])),
  });
}

/**
 * The profile panel's bundle (dist/webview/profile.js and .css): next to the bundled CLI (dist/cli.js), or in the
 * package's dist/ when running from the sources.
 */
export function readProfileBundle(from = __dirname): WebviewBundle {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, 'webview'), join(dir, 'dist', 'webview')]) {
      const script = join(candidate, 'profile.js');
      if (existsSync(script))
        return { script: readFileSync(script, 'utf8'), style: readFileSync(join(candidate, 'profile.css'), 'utf8') };
    }
    dir = dirname(dir);
  }
  throw new CliError(
    'the report needs the built profile panel (dist/webview/profile.js), which is missing.',
    ExitCode.usage,
    'Run "npm run build" in the TrainLens folder, then try again.',
  );
}

/** Loads a trace or run directory with its spans, or fails with the file and the reason. */
export async function loadForReport(target: string, io: CliIo): Promise<Profile> {
  let reported = 0;
  return loadProfile(
    resolve(target),
    (bytes) => {
      if (bytes - reported < 64 * 1024 * 1024) return;
      reported = bytes;
      io.stderr(`report: ${(bytes / 1024 / 1024).toFixed(0)} MB read\n`);
    },
    { spans: true },
  ).catch((error: unknown) => {
    if (error instanceof TraceError)
      throw new CliError(`${error.message}.`, ExitCode.usage, undefined, { file: error.file });
    throw error;
  });
}

/**
 * The view of a trace folder: its job (the lowest rank's profile and the Distributed view of all ranks) or its
 * newest trace; the folder's other traces are listed on stderr with how to report one.
 */
export async function loadFolderForReport(dir: string, io: CliIo): Promise<ProfileView> {
  try {
    const folder = listTraceFolder(resolve(dir));
    const plan = planTraceFolder(folder);
    const view = await buildFolderView(folder, plan, {
      onRanks: (done, total) => {
        if (total >= 8 && (done % Math.ceil(total / 8) === 0 || done === total))
          io.stderr(`report: ${done} of ${total} ranks read\n`);
      },
    });
    if (plan.others.length > 0)
      io.stderr(
        `report: ${plan.others.length} more trace${plan.others.length === 1 ? '' : 's'} in ${basename(folder.dir)} ` +
          `(${plan.others
            .slice(0, 3)
            .map((e) => basename(e.file))
            .join(', ')}${plan.others.length > 3 ? ', …' : ''}); give one to report it alone\n`,
      );
    return view;
  } catch (error) {
    if (error instanceof TraceError)
      throw new CliError(`${error.message}.`, ExitCode.usage, undefined, { file: error.file });
    throw error;
  }
}

/**
 * Writes the standalone HTML report of `target` (a trace, a run or a trace folder; or `target` compared with
 * `compareWith`) to `out`.
 */
export async function writeHtmlReport(target: string, out: string, io: CliIo, compareWith?: string): Promise<void> {
  checkOutputPath(out, 'the report');
  const bundle = readProfileBundle();
  let view: ProfileView | CompareView;
  if (!compareWith && opensAsTraceFolder(target)) view = await loadFolderForReport(target, io);
  else {
    const profile = await loadForReport(target, io);
    view = compareWith ? buildCompareView(profile, await loadForReport(compareWith, io)) : buildProfileView(profile);
  }
  const html = renderReportHtml(view, bundle);
  writeOutputFile(out, html, 'the report');
  io.stderr(
    `report: ${out} written (${(Buffer.byteLength(html) / 1024 / 1024).toFixed(1)} MB); open it in a browser\n`,
  );
}
