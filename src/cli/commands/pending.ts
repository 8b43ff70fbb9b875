import type { Command } from 'commander';
import { TRAINLENS_VERSION } from '../../protocol/version';
import { CliError, ExitCode } from '../errors';

/**
 * Subcommands of the CLI contract whose capability is not in this build yet. They are declared with their real
 * arguments and options, so `--help` documents them, and they exit 2 saying so instead of pretending to work.
 */
interface PendingCommand {
  readonly name: string;
  readonly args: string;
  readonly summary: string;
  readonly options: ReadonlyArray<readonly [flags: string, description: string]>;
  /** What has to land first, in the words a user understands. */
  readonly arrivesWith: string;
}

const PENDING: readonly PendingCommand[] = [
  {
    name: 'onnx',
    args: '<model.onnx>',
    summary: 'profile an ONNX model with ONNX Runtime',
    options: [
      ['--runs <n>', 'measured runs'],
      ['--warmup <n>', 'warm-up runs, not measured'],
      ['--input <spec>', 'input shape as NAME=D1xD2…'],
      ['--tune', 'also tune session options'],
      ['--json', 'print one JSON document'],
    ],
    arrivesWith: 'ONNX model profiling',
  },
];

/** Declares the not-yet-available subcommands on `program`. */
export function addPendingCommands(program: Command): void {
  for (const spec of PENDING) {
    const command = program
      .command(spec.name)
      .argument(spec.args)
      .summary(`${spec.summary} (not yet available)`)
      .description(`${spec.summary[0]?.toUpperCase()}${spec.summary.slice(1)}. Not yet available in this version.`);
    for (const [flags, description] of spec.options) command.option(flags, description);
    command.action(() => {
      throw new CliError(
        `'trainlens ${spec.name}' is not yet available in TrainLens ${TRAINLENS_VERSION}; it arrives with ${spec.arrivesWith}.`,
        ExitCode.usage,
        "Run 'trainlens --help' to see what this version can do.",
      );
    });
  }
}

/** Names of the pending subcommands, for tests and docs. */
export const PENDING_COMMANDS = PENDING.map((spec) => spec.name);
