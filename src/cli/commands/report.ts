import type { Command } from 'commander';
import { CliError, ExitCode } from '../errors';
import { writeHtmlReport } from '../htmlReport';
import type { CliIo } from '../io';

interface ReportOptions {
  readonly html?: string;
  readonly compare?: string;
}

/**
 * `trainlens report <run-dir|trace-file|trace-dir> --html FILE`: the profile panel's views as one offline HTML file
 * (for a trace folder of several ranks, with the Distributed view).
 */
export function addReportCommand(program: Command, io: CliIo): void {
  program
    .command('report')
    .argument(
      '<run-dir|trace-file|trace-dir>',
      'a TrainLens run directory, a trace (Kineto, ONNX Runtime, Chrome) or a trace folder (tensorboard_trace_handler)',
    )
    .summary('write a standalone HTML report with the profile views')
    .description(
      'Write one self-contained HTML file with the same views as the profile panel (overview, operators, timeline,\n' +
        'memory, suggestions); it needs no network and opens in any browser. A trace folder of several ranks adds the\n' +
        'Distributed view (the ranks side by side, the straggler, overlap, collectives). With --compare, the file\n' +
        'shows the comparison of the two profiles instead.',
    )
    .option('--html <file>', 'the HTML file to write')
    .option('--compare <other>', 'a second run or trace to compare with (before → after)')
    .action(async (target: string, options: ReportOptions) => {
      if (!options.html)
        throw new CliError(
          'report needs --html FILE.',
          ExitCode.usage,
          'For example: trainlens report RUN_DIR --html report.html',
        );
      await writeHtmlReport(target, options.html, io, options.compare);
    });
}
