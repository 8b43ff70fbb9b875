import type { SemanticCheck } from './context';
import { totalSteps } from './context';
import { fixValue } from './training';

/** Checkpoint retention, and logging or profiling windows longer than the run. */
export const checkMonitoring: SemanticCheck = (ctx) => {
  const monitoring = ctx.config.monitoring;
  const keep = monitoring?.checkpoints?.keep;
  if (keep !== undefined && keep < 1) {
    ctx.report(
      'warning',
      'semantic/checkpoint-keep',
      ['monitoring', 'checkpoints', 'keep'],
      'monitoring.checkpoints.keep: 0 deletes every regular checkpoint as soon as it is written, so a crash loses all progress. Keep at least 1.',
      { fixes: fixValue(ctx.valueSpan(['monitoring', 'checkpoints', 'keep']), 1, 'monitoring.checkpoints.keep') },
    );
  }
  const steps = totalSteps(ctx.config);
  if (steps === undefined) return;
  const profiling = monitoring?.profiling;
  if (profiling?.enabled) {
    const needed = (profiling.warmup_steps ?? 5) + (profiling.steps ?? 20);
    if (needed > steps) {
      ctx.report(
        'warning',
        'semantic/profiling-window',
        ['monitoring', 'profiling'],
        `The profiling window (${profiling.warmup_steps ?? 5} warm-up + ${profiling.steps ?? 20} recorded steps) is longer than the run (${steps} steps); fewer steps will be recorded. Shorten the window or lengthen the run.`,
        { on: 'key' },
      );
    }
  }
  if (monitoring?.log_every !== undefined && monitoring.log_every > steps) {
    ctx.report(
      'warning',
      'semantic/log-never',
      ['monitoring', 'log_every'],
      `Logging every ${monitoring.log_every} steps never logs: the run has ${steps} steps.`,
      {
        fixes: fixValue(
          ctx.valueSpan(['monitoring', 'log_every']),
          Math.max(1, Math.floor(steps / 10)),
          'monitoring.log_every',
        ),
      },
    );
  }
};
