/**
 * `trainlens analyze DIR` on a trace folder (`tensorboard_trace_handler`'s, or plain traces): several ranks of one
 * profiling cycle are analysed as a job (rank by rank, the distributed report); a single worker's newest trace is
 * analysed as one profile, and the folder's other traces are listed with how to analyse one.
 */
import type { AnalysisReport } from '../../protocol/analysis';
import type { TraceFolder } from '../../protocol/distributed';
import { analyzeProfile, loadProfile } from '../../analysis/analyze';
import { jobEntries, listTraceFolder } from '../../analysis/distributed/folder';
import { analyzeJob } from '../../analysis/distributed/job';
import { formatJobReport, otherTraces } from '../jobText';
import { formatReport } from '../textReport';
import type { CliIo } from '../io';

/** What the folder gives: the report's text or JSON. */
export async function analyzeFolder(dir: string, format: 'text' | 'json', io: CliIo): Promise<string> {
  const folder = listTraceFolder(dir);
  const job = jobEntries(folder);
  if (job) {
    const files = new Set(job.map((e) => e.file));
    const report = await analyzeJob([...files], {
      onProgress: (done, total) => {
        if (total >= 8 && (done % Math.ceil(total / 8) === 0 || done === total))
          io.stderr(`analyze: ${done} of ${total} ranks read\n`);
      },
    });
    const others = folder.entries.filter((e) => !files.has(e.file));
    return format === 'json' ? `${JSON.stringify({ ...report, folder }, null, 2)}\n` : formatJobReport(report, others);
  }
  const [newest, ...others] = folder.entries;
  const report: AnalysisReport = analyzeProfile(await loadProfile(newest!.file));
  if (format === 'json') return `${JSON.stringify({ ...report, folder: folderListing(folder) }, null, 2)}\n`;
  const text = formatReport(report);
  return others.length ? `${text}\n${otherTraces(others).join('\n')}\n` : text;
}

/** The listing as the JSON carries it. */
function folderListing(folder: TraceFolder): TraceFolder {
  return { dir: folder.dir, entries: folder.entries, skippedFiles: folder.skippedFiles };
}
