import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { OnnxInputSpec } from '../protocol/onnx';
import { CliError, ExitCode } from './errors';

/** Collects a repeatable option's values (`--dim a=1 --dim b=2`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `--dim NAME=V` and `--input NAME=D1xD2…` (repeatable) and `--inputs FILE` as the engine's input spec. */
export function inputSpec(dims: readonly string[], inputs: readonly string[], file?: string): OnnxInputSpec {
  const dimValues: Record<string, number> = {};
  for (const flag of dims) {
    const match = /^([^=]+)=(\d+)$/.exec(flag.trim());
    if (!match || Number(match[2]) < 1)
      throw new CliError(
        `--dim ${flag} is not NAME=SIZE.`,
        ExitCode.usage,
        'Write it as --dim batch=8 (a size of at least 1).',
      );
    dimValues[match[1]!] = Number(match[2]);
  }
  const shapes: Record<string, number[]> = {};
  for (const flag of inputs) {
    const match = /^(.+)=(\d+(?:x\d+)*)$/.exec(flag.trim());
    if (!match)
      throw new CliError(
        `--input ${flag} is not NAME=D1xD2….`,
        ExitCode.usage,
        'Write it as --input Input3=1x1x28x28.',
      );
    shapes[match[1]!] = match[2]!.split('x').map(Number);
  }
  if (file && !existsSync(file))
    throw new CliError(
      `--inputs ${file} does not exist.`,
      ExitCode.usage,
      'Give a .json or .npy file of input values.',
    );
  return {
    ...(Object.keys(dimValues).length ? { dims: dimValues } : {}),
    ...(Object.keys(shapes).length ? { shapes } : {}),
    ...(file ? { file: resolve(file) } : {}),
  };
}

/** `--objective`, checked. */
export function objectiveOf(value: string): 'latency' | 'throughput' {
  if (value === 'latency' || value === 'throughput') return value;
  throw new CliError(`--objective ${value} is not an objective.`, ExitCode.usage, 'Use latency or throughput.');
}
