import type { SemanticCheck } from './context';
import { totalSteps } from './context';

/** Effective batch, steps vs epochs, validation and early stopping against the length of the run. */
export const checkTraining: SemanticCheck = (ctx) => {
  const { data, training } = ctx.config;
  const accumulation = training.gradient_accumulation ?? 1;
  ctx.report(
    'info',
    'semantic/effective-batch',
    ['data', 'batch_size'],
    accumulation > 1
      ? `Effective batch: ${data.batch_size} × ${accumulation} accumulation steps = ${data.batch_size * accumulation} samples per optimizer step.`
      : `Effective batch: ${data.batch_size} samples per optimizer step (no gradient accumulation).`,
  );

  if (training.steps !== undefined && training.epochs !== undefined) {
    ctx.report(
      'warning',
      'semantic/steps-and-epochs',
      ['training', 'steps'],
      `Both training.steps (${training.steps}) and training.epochs (${training.epochs}) are set; the run stops after ${training.steps} steps whatever the epochs say. Remove one of them.`,
      { on: 'key' },
    );
  }

  if (data.source === 'module' && data.cache !== true && training.steps === undefined) {
    // A warning, not an error: `trainlens run --steps N` supplies the steps from outside the config.
    ctx.report(
      'warning',
      'semantic/stream-needs-steps',
      ['data', 'cache' in data ? 'cache' : 'source'],
      'A data module without data.cache is streamed, so the steps per epoch are unknown: set training.steps (or run with --steps), or data.cache: true to read the dataset once into memory.',
    );
  }

  const steps = totalSteps(ctx.config);
  if (steps !== undefined && training.validation_every !== undefined && training.validation_every > steps) {
    ctx.report(
      'warning',
      'semantic/validation-never-runs',
      ['training', 'validation_every'],
      `Validation every ${training.validation_every} steps never runs: the run has ${steps} steps. Use a value ≤ ${steps}.`,
      {
        fixes: fixValue(
          ctx.valueSpan(['training', 'validation_every']),
          Math.max(1, Math.floor(steps / 4)),
          'training.validation_every',
        ),
      },
    );
  }
  if (training.early_stopping && training.validation_every === undefined) {
    ctx.report(
      'warning',
      'semantic/early-stopping-without-validation',
      ['training', 'early_stopping'],
      'Early stopping watches a validation metric, but training.validation_every is not set, so no validation runs. Set training.validation_every.',
      { on: 'key' },
    );
  }
};

/** A quick fix that replaces a value with `value`. */
export function fixValue(span: [number, number] | undefined, value: number | string, name: string) {
  return span
    ? [
        {
          title: `Set ${name} to ${value}`,
          edits: [{ start: span[0], end: span[1], newText: String(value) }],
          preferred: true,
        },
      ]
    : [];
}
