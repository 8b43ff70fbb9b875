import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ConfigDiagnostic } from '../../config/diagnostic';
import { MAX_CONFIG_BYTES } from '../../config/parse';
import { validateConfigText } from '../../config/validate';
import { FileRuleError, readBoundedText } from '../../files/safeFiles';
import { CliError, ExitCode } from '../errors';
import type { CliIo } from '../io';

interface ValidateOptions {
  readonly format: string;
}

/** One file's result in the CLI contract's JSON shape (1-based lines and columns, no offsets). */
interface FileReport {
  readonly file: string;
  readonly diagnostics: ReadonlyArray<{
    severity: ConfigDiagnostic['severity'];
    code: string;
    message: string;
    path: string;
    range: { start: { line: number; column: number }; end: { line: number; column: number } };
  }>;
}

/** Reads and validates one file; unreadable files are usage errors (exit 2) with the reason and the fix. */
function validateFile(file: string): FileReport {
  const absolute = resolve(file);
  let text: string;
  try {
    // Checked before a byte is read: /dev/zero, a FIFO or a huge file fail at once instead of reading gigabytes.
    text = readBoundedText(absolute, 'the config', MAX_CONFIG_BYTES);
  } catch (error) {
    const reason = error instanceof FileRuleError ? error.reason : (error as Error).message;
    throw new CliError(
      `cannot read the config: ${reason}${/[.?]$/.test(reason) ? '' : '.'}`,
      ExitCode.usage,
      'Pass the path of a training YAML file.',
      {
        file,
      },
    );
  }
  const result = validateConfigText(text, {
    configPath: absolute,
    fileExists: existsSync,
    availableMemoryBytes: totalmem(),
  });
  return {
    file,
    diagnostics: result.diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      path: d.path,
      range: {
        start: { line: d.range.start.line, column: d.range.start.column },
        end: { line: d.range.end.line, column: d.range.end.column },
      },
    })),
  };
}

/** `trainlens validate <file...>`: schema and semantic checks with exact places; exit 1 when any error. */
export function addValidateCommand(program: Command, io: CliIo): void {
  program
    .command('validate')
    .argument('<file...>', 'training config YAML files')
    .summary('check training configs against the schema and the semantic rules')
    .description(
      'Check training configs: YAML syntax, the JSON Schema (schemas/trainlens.schema.json) and semantic rules\n' +
        '(effective batch, steps vs epochs, level contradictions, paths, predicted memory). Each problem is reported\n' +
        'at its line:column with a stable code. Exit 0 without errors (warnings allowed), 1 with errors, 2 when a\n' +
        'file cannot be read.',
    )
    .option('--format <format>', 'text or json', 'text')
    .action((files: string[], options: ValidateOptions) => {
      if (options.format !== 'text' && options.format !== 'json') {
        throw new CliError(
          `unknown --format "${options.format}".`,
          ExitCode.usage,
          'Use --format text or --format json.',
        );
      }
      const reports = files.map(validateFile);
      const errors = reports.flatMap((r) => r.diagnostics).filter((d) => d.severity === 'error').length;
      if (options.format === 'json') {
        io.stdout(`${JSON.stringify({ files: reports }, null, 2)}\n`);
      } else {
        for (const report of reports) {
          for (const d of report.diagnostics) {
            io.stdout(
              `${report.file}:${d.range.start.line}:${d.range.start.column}: ${d.severity} ${d.code}: ${d.message}\n`,
            );
          }
        }
        const warnings = reports.flatMap((r) => r.diagnostics).filter((d) => d.severity === 'warning').length;
        io.stdout(
          `${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.\n`,
        );
      }
      if (errors > 0) throw new ProblemsFound();
    });
}

/** Signals exit 1 after the report was printed (nothing more to print). */
export class ProblemsFound extends Error {
  constructor() {
    super('problems found');
  }
}
