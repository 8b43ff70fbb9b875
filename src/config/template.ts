/**
 * The text of "TrainLens: New Training Config": the quickstart, with the schema modeline that marks it as a
 * TrainLens config (so validation, completion and hover work before it is saved under a *.trainlens.yaml name).
 */
export const NEW_CONFIG_TEMPLATE = `# yaml-language-server: $schema=https://trainlens.dev/schemas/trainlens.schema.json
# A TrainLens training config. Save it as NAME.trainlens.yaml; hover any key for its meaning.
version: 1

model:
  preset: mlp
  input_shape: [64]
  hidden: [256, 256]
  outputs: 10

data:
  source: synthetic
  task: classification
  samples: 8192
  batch_size: 32

training:
  epochs: 2
  optimizer:
    name: adam
    learning_rate: 0.001
  loss: categorical_crossentropy
  metrics: [accuracy]

optimization:
  level: basic

engine:
  backend: auto
`;
