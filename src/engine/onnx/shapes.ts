import { onnxFail } from './fail';
import type { OnnxDim, OnnxInputSpec } from '../../protocol/onnx';
import type { OnnxModelError } from './errors';

/** A graph input as the session reports it. */
export interface InputMeta {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly OnnxDim[];
}

const shapeText = (shape: readonly OnnxDim[]) => `[${shape.join(', ')}]`;

/**
 * The concrete shape of every input: `--input NAME=…` shapes first, then `batch` for a symbolic leading dim (the
 * tuner's batch sizes), then symbolic dims from `--dim NAME=V`. Every dim left unresolved is listed in one error with the flags that set it;
 * a given shape that contradicts the model's fixed dims, or names no input, is refused.
 */
export function resolveShapes(
  inputs: readonly InputMeta[],
  spec: OnnxInputSpec,
  modelPath: string,
  batch?: number,
): Map<string, number[]> {
  checkNames(inputs, spec, modelPath);
  const shapes = new Map<string, number[]>();
  const unresolved: string[] = [];
  for (const input of inputs) {
    const given = spec.shapes?.[input.name];
    if (given) {
      checkGivenShape(input, given, modelPath);
      shapes.set(input.name, [...given]);
      continue;
    }
    const shape = input.shape.map((dim, axis) => {
      if (typeof dim === 'number' && dim > 0) return dim;
      if (axis === 0 && batch !== undefined) return batch;
      const named = typeof dim === 'string' && dim !== '?' ? spec.dims?.[dim] : undefined;
      if (named !== undefined) return named;
      unresolved.push(
        `input '${input.name}' dim ${axis}${typeof dim === 'string' && dim !== '?' ? ` ('${dim}')` : ''}`,
      );
      return -1;
    });
    shapes.set(input.name, shape);
  }
  if (unresolved.length > 0) throw unresolvedError(inputs, unresolved, modelPath);
  return shapes;
}

function unresolvedError(
  inputs: readonly InputMeta[],
  unresolved: readonly string[],
  modelPath: string,
): OnnxModelError {
  const named = [
    ...new Set(inputs.flatMap((i) => i.shape.filter((d): d is string => typeof d === 'string' && d !== '?'))),
  ];
  const example = inputs[0];
  const hint =
    (named.length > 0 ? `Set ${named.map((d) => `--dim ${d}=N`).join(' ')}` : 'Set each shape') +
    (example
      ? ` or give whole shapes with --input ${example.name}=${example.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1)).join('x')}`
      : '') +
    ' (in VS Code: the trainlens.onnx.dims setting).';
  return onnxFail(
    'unresolved-dims',
    `${modelPath}: ${unresolved.length} input dim${unresolved.length === 1 ? ' has' : 's have'} no size: ${unresolved.join(', ')}.`,
    modelPath,
    unresolved[0],
    hint,
  );
}

function checkNames(inputs: readonly InputMeta[], spec: OnnxInputSpec, modelPath: string): void {
  const names = inputs.map((i) => i.name);
  for (const name of Object.keys(spec.shapes ?? {}))
    if (!names.includes(name))
      throw onnxFail(
        'input-shape',
        `${modelPath} has no input named '${name}'; its inputs are ${names.map((n) => `'${n}'`).join(', ') || 'none'}.`,
        modelPath,
        name,
        `Name one of them in --input NAME=D1xD2….`,
      );
  const dims = new Set(inputs.flatMap((i) => i.shape.filter((d): d is string => typeof d === 'string')));
  for (const name of Object.keys(spec.dims ?? {}))
    if (!dims.has(name))
      throw onnxFail(
        'input-shape',
        `${modelPath} has no symbolic dim named '${name}'` +
          (dims.size > 0
            ? `; its symbolic dims are ${[...dims].map((d) => `'${d}'`).join(', ')}.`
            : '; all its dims are fixed.'),
        modelPath,
        name,
        dims.size > 0 ? `Use --dim with one of those names.` : 'Leave out --dim.',
      );
}

function checkGivenShape(input: InputMeta, given: readonly number[], modelPath: string): void {
  const expected = shapeText(input.shape);
  const refuse = (why: string) =>
    onnxFail(
      'input-shape',
      `${modelPath}: --input ${input.name}=${given.join('x')} does not fit input '${input.name}' of shape ${expected}: ${why}.`,
      modelPath,
      input.name,
      `Give ${input.shape.length} dims, keeping the fixed ones: --input ${input.name}=${input.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 'N')).join('x')}.`,
    );
  if (given.length !== input.shape.length) throw refuse(`it has ${given.length} dims, the input ${input.shape.length}`);
  given.forEach((size, axis) => {
    const dim = input.shape[axis];
    if (!Number.isInteger(size) || size < 1) throw refuse(`dim ${axis} must be a whole number of at least 1`);
    if (typeof dim === 'number' && dim > 0 && dim !== size) throw refuse(`dim ${axis} is fixed at ${dim}`);
  });
}
