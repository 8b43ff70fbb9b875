import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { applyTextEdits, setConfigValueEdits } from '../config/edit';
import type { TrainConfig } from '../config/types';
import type { TuningSession } from './session';
import type { Params, Trial, TuneResult } from './types';

/**
 * The tuning's outcome: the user's YAML with the winner's settings, its diff and learning-rate note, and the
 * trials. It is also written to `tune.json` in the tuning folder (without the YAML), so the folder explains itself.
 */
export function writeResult(session: TuningSession, baseline: Trial, best: Trial): TuneResult {
  const { baseText, options } = session;
  const bestText = applyParams(baseText, best.params);
  const result: TuneResult = {
    baseline,
    best,
    objective: session.objective,
    speedup: session.score(baseline) > 0 ? Math.round((session.score(best) / session.score(baseline)) * 100) / 100 : 0,
    trials: session.trials,
    diff:
      bestText === baseText
        ? ''
        : createTwoFilesPatch(
            basename(options.configPath),
            basename(options.configPath),
            baseText,
            bestText,
            'current',
            'tuned',
          ),
    bestText,
    notes: notesOf(session.config, best.params),
    stoppedBy: session.stoppedBy,
    elapsedMs: Math.round(session.elapsed()),
  };
  writeFileSync(join(session.workDir, 'tune.json'), `${JSON.stringify({ ...result, bestText: undefined }, null, 2)}\n`);
  return result;
}

/** The user's YAML with the winning settings (not the trial-only ones). */
export function applyParams(text: string, params: Params): string {
  let out = text;
  for (const [path, value] of Object.entries(params)) out = applyTextEdits(out, setConfigValueEdits(out, path, value));
  return out;
}

/**
 * What to consider before applying: a changed effective batch changes the optimization, so the learning rate
 * usually follows it (linear scaling for SGD, square-root scaling for Adam-family optimizers).
 */
function notesOf(config: TrainConfig, params: Params): string[] {
  const batch = Number(params['data.batch_size'] ?? config.data.batch_size);
  const accumulation = Number(params['training.gradient_accumulation'] ?? config.training.gradient_accumulation ?? 1);
  const before = config.data.batch_size * (config.training.gradient_accumulation ?? 1);
  const after = batch * accumulation;
  if (after === before) return [];
  const ratio = after / before;
  const optimizer = config.training.optimizer.name;
  const lr = config.training.optimizer.learning_rate;
  const sgd = optimizer === 'sgd' || optimizer === 'momentum';
  const factor = sgd ? ratio : Math.sqrt(ratio);
  const suggestion =
    lr !== undefined
      ? ` Consider training.optimizer.learning_rate ${Number((lr * factor).toPrecision(3))} (${sgd ? 'linear' : 'square-root'} scaling for ${optimizer}, from ${lr}).`
      : ` Consider scaling the learning rate by ${factor.toFixed(2)} (${sgd ? 'linear' : 'square-root'} rule for ${optimizer}).`;
  return [
    `The effective batch changes from ${before} to ${after} (×${Number(ratio.toFixed(2))}): the optimization changes, not only the speed.${suggestion}`,
  ];
}
