import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { analyzeProfile, loadProfile } from '../analysis/analyze';
import { diffProfiles } from '../analysis/diff';
import { TraceError } from '../analysis/ingest/traceReader';
import type { Profile } from '../analysis/profile';
import { renderReportHtml, type WebviewBundle } from '../analysis/report/html';
import { buildProfileView } from '../analysis/view';
import { CliError, ExitCode } from './errors';
import type { CliIo } from './io';

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

/** Writes the standalone HTML report of `target` (or of `target` compared with `compareWith`) to `out`. */
export async function writeHtmlReport(target: string, out: string, io: CliIo, compareWith?: string): Promise<void> {
  const bundle = readProfileBundle();
  const profile = await loadForReport(target, io);
  let html: string;
  if (compareWith) {
    const other = await loadForReport(compareWith, io);
    html = renderReportHtml(
      {
        kind: 'compare',
        before: { title: basename(profile.file), report: analyzeProfile(profile) },
        after: { title: basename(other.file), report: analyzeProfile(other) },
        diff: diffProfiles(profile, other),
      },
      bundle,
    );
  } else html = renderReportHtml(buildProfileView(profile), bundle);
  try {
    writeFileSync(out, html);
  } catch (error) {
    throw new CliError(`cannot write the report: ${(error as Error).message}.`, ExitCode.usage, undefined, {
      file: out,
    });
  }
  io.stderr(
    `report: ${out} written (${(Buffer.byteLength(html) / 1024 / 1024).toFixed(1)} MB); open it in a browser\n`,
  );
}
