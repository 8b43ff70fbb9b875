import type { SemanticCheck } from './context';

/** Requirements of each model source and preset that the schema cannot express. */
export const checkModel: SemanticCheck = (ctx) => {
  const model = ctx.config.model;
  const sources = (['preset', 'layers', 'path'] as const).filter((key) => model[key] !== undefined);
  if (sources.length !== 1) {
    ctx.report(
      'error',
      'semantic/model-source',
      ['model'],
      sources.length === 0
        ? 'model needs one of preset (a built-in architecture), layers (an explicit list) or path (a saved TF.js model).'
        : `model sets ${sources.join(' and ')}; use exactly one of preset, layers or path.`,
      { on: 'key' },
    );
    return;
  }
  if (model.path !== undefined) return;
  if (!model.input_shape) {
    ctx.report(
      'error',
      'semantic/model-input-shape',
      ['model'],
      'model.input_shape is required to build a preset or layer model (the shape of one sample, without the batch).',
      { on: 'key' },
    );
  }
  if (model.preset && model.outputs === undefined) {
    ctx.report(
      'error',
      'semantic/model-outputs',
      ['model'],
      'model.outputs is required for a preset: the number of classes or regression targets.',
      { on: 'key' },
    );
  }
  const rank: Record<string, number> = { mlp: 1, cnn: 3, lstm: 2, transformer: 1 };
  const expected = model.preset ? rank[model.preset] : undefined;
  if (expected !== undefined && model.input_shape && model.input_shape.length !== expected) {
    const shape: Record<string, string> = {
      mlp: '[features]',
      cnn: '[height, width, channels]',
      lstm: '[time steps, features]',
      transformer: '[sequence length]',
    };
    ctx.report(
      'error',
      'semantic/model-input-rank',
      ['model', 'input_shape'],
      `A ${model.preset} takes input_shape ${shape[model.preset!]} (${expected} dimension${expected > 1 ? 's' : ''}), not ${model.input_shape.length}.`,
    );
  }
  if (model.preset === 'mlp' && !model.hidden)
    ctx.report(
      'warning',
      'semantic/model-mlp-hidden',
      ['model'],
      'An mlp without model.hidden has no hidden layer: it is a linear model. Add hidden: [256, 256] or similar.',
      { on: 'key' },
    );
  if (model.preset === 'cnn' && !model.filters)
    ctx.report(
      'error',
      'semantic/model-cnn-filters',
      ['model'],
      'A cnn needs model.filters: the channels of each conv block, e.g. [32, 64].',
      { on: 'key' },
    );
  if (model.preset === 'transformer' && (model.d_model ?? 128) % (model.heads ?? 4) !== 0) {
    ctx.report(
      'error',
      'semantic/model-heads',
      ['model', 'heads'],
      `model.heads (${model.heads ?? 4}) must divide model.d_model (${model.d_model ?? 128}).`,
    );
  }
};
