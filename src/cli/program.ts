import { Command, CommanderError } from 'commander';
import { TRAINLENS_VERSION } from '../protocol/version';
import { addAnalyzeCommand } from './commands/analyze';
import { addDoctorCommand } from './commands/doctor';
import { addProfileCommand } from './commands/profile';
import { addReportCommand } from './commands/report';
import { addTuneCommand } from './commands/tune';
import { addOnnxCommand } from './commands/onnx';
import { addRunCommand } from './commands/run';
import { addValidateCommand, ProblemsFound } from './commands/validate';
import { CliError, ExitCode, formatCliError, toCliError } from './errors';
import type { CliIo } from './io';

/** Options of {@link runCli} that differ between the bundled CLI and tests. */
export interface CliContext {
  readonly io: CliIo;
  /** Folder holding `engine.js` (the bundle folder). */
  readonly engineDir: string;
}

/** Builds the `trainlens` command tree; every subcommand writes through `io`. */
export function createProgram(context: CliContext): Command {
  const { io } = context;
  const program = new Command('trainlens')
    .description('Profile and tune ML training: validate configs, train, analyse traces, tune.')
    .version(TRAINLENS_VERSION, '-V, --version', 'print the TrainLens version')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // Commander's own usage errors are rewritten into our one-paragraph style in runCli.
      outputError: () => undefined,
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 the input has problems, 2 usage error or unreadable input.\n' +
        "Run 'trainlens <command> --help' for a command's options.",
    );
  addValidateCommand(program, io);
  addRunCommand(program, io, context.engineDir);
  addProfileCommand(program, io, context.engineDir);
  addAnalyzeCommand(program, io);
  addReportCommand(program, io);
  addTuneCommand(program, io, context.engineDir);
  addOnnxCommand(program, io, context.engineDir);
  addDoctorCommand(program, io, context.engineDir);
  // Subcommands inherit the parent's error handling and output.
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI with `args` (without node and the script) and resolves to the exit code. */
export async function runCli(args: readonly string[], context: CliContext): Promise<number> {
  const program = createProgram(context);
  if (args.length === 0) {
    // No command is a usage error: the help goes to stderr and the exit code is 2.
    program.outputHelp({ error: true });
    return ExitCode.usage;
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error, context.io);
    if (error instanceof ProblemsFound) return ExitCode.problems;
    if (process.env['TRAINLENS_DEBUG'] && error instanceof Error) context.io.stderr(`${error.stack}\n`);
    const cliError = toCliError(error);
    context.io.stderr(formatCliError(cliError));
    return cliError.exitCode;
  }
}

/** Help and version end with 0; every other Commander error is a usage error (exit 2) in our message style. */
function commanderExit(error: CommanderError, io: CliIo): number {
  if (
    error.code === 'commander.helpDisplayed' ||
    error.code === 'commander.version' ||
    error.code === 'commander.help'
  ) {
    return ExitCode.ok;
  }
  const message = error.message.replace(/^error: /, '').trim();
  io.stderr(
    formatCliError(
      new CliError(
        `${message}${/[.)]$/.test(message) ? '' : '.'}`,
        ExitCode.usage,
        "Run 'trainlens --help' to see the commands and their options.",
      ),
    ),
  );
  return ExitCode.usage;
}
