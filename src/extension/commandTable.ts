/**
 * The one table of TrainLens commands. The manifest's `contributes.commands` must list exactly these (a unit test
 * checks it), and `extension.ts` must register a handler for each id (the type checker checks it).
 * No `vscode` import here, so the table can be read by tests and docs tooling.
 */
export const COMMANDS = [
  {
    id: 'trainlens.showEnvironment',
    title: 'Show Environment',
    description: 'Start the engine process and report GPUs, TF.js backends and ONNX Runtime.',
    requiresTrust: true,
  },
  {
    id: 'trainlens.openEnvironmentPanel',
    title: 'Open Environment Panel',
    description: 'Show the environment report in a panel.',
    requiresTrust: true,
  },
  {
    id: 'trainlens.restartEngine',
    title: 'Restart Engine',
    description: 'Stop the engine process and start a fresh one.',
    requiresTrust: true,
  },
  {
    id: 'trainlens.runTraining',
    title: 'Run Training',
    description: 'Train the config in the active editor (or the one chosen) in the engine, with progress and Cancel.',
    requiresTrust: true,
  },
  {
    id: 'trainlens.profileTraining',
    title: 'Profile Training',
    description: 'Train the config with the step profiler on, then open its profile panel.',
    requiresTrust: true,
  },
  {
    id: 'trainlens.optimizeConfig',
    title: 'Optimize This Config',
    description: 'Tune the config with short measured trials and propose the fastest settings that fit, as a diff.',
    requiresTrust: true,
  },
  {
    id: 'trainlens.profileOnnx',
    title: 'Profile ONNX Model',
    description:
      'Measure the latency of an ONNX model in ONNX Runtime and open its per-node profile in the profile panel.',
    requiresTrust: true,
  },
  {
    id: 'trainlens.optimizeOnnx',
    title: 'Optimize ONNX Session',
    description: 'Tune the ONNX Runtime session options of a model with measured trials; show the best as code.',
    requiresTrust: true,
  },
  {
    id: 'trainlens.openProfile',
    title: 'Open Profile',
    description: 'Open a trace (Kineto/PyTorch, ONNX Runtime, Chrome) or a TrainLens run in the profile panel.',
    requiresTrust: false,
  },
  {
    id: 'trainlens.compareProfiles',
    title: 'Compare Profiles',
    description: 'Compare two traces or runs: mean step, breakdown and operators, before and after.',
    requiresTrust: false,
  },
  {
    id: 'trainlens.newConfig',
    title: 'New Training Config',
    description: 'Open a new training config from the quickstart template.',
    requiresTrust: false,
  },
  {
    id: 'trainlens.showOutput',
    title: 'Show Output',
    description: 'Reveal the TrainLens output channel.',
    requiresTrust: false,
  },
] as const;

/** Category shown before every title in the command palette. */
export const COMMAND_CATEGORY = 'TrainLens';

/** A TrainLens command id. */
export type CommandId = (typeof COMMANDS)[number]['id'];
