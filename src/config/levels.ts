import type { OptimizationConfig, OptimizationSwitches } from './types';

/**
 * What each optimization level sets. `custom` sets nothing: only the switches written in the config apply.
 * Hover shows these, the engine applies them, and the semantic check reports explicit switches that disagree.
 */
export const LEVELS: Readonly<
  Record<
    'basic' | 'advanced' | 'ultra',
    Required<Omit<OptimizationSwitches, 'memory'>> & { memory: Required<NonNullable<OptimizationSwitches['memory']>> }
  >
> = {
  basic: {
    prefetch: 1,
    workers: 0,
    activation_checkpointing: false,
    mixed_precision: false,
    nan_guard: 'stop',
    memory: { warn_at: 0.9, act_at: 0.95, action: 'warn' },
  },
  advanced: {
    prefetch: 2,
    workers: 2,
    activation_checkpointing: false,
    mixed_precision: false,
    nan_guard: 'skip_step',
    memory: { warn_at: 0.85, act_at: 0.95, action: 'dispose_caches' },
  },
  ultra: {
    prefetch: 4,
    workers: 4,
    activation_checkpointing: true,
    mixed_precision: true,
    nan_guard: 'skip_step',
    memory: { warn_at: 0.8, act_at: 0.9, action: 'reduce_batch' },
  },
};

/** The switches in force: the level's expansion overlaid with the explicit ones. */
export function effectiveSwitches(optimization: OptimizationConfig | undefined): OptimizationSwitches {
  const level = optimization?.level ?? 'basic';
  const base = level === 'custom' ? {} : LEVELS[level];
  const { level: _level, ...explicit } = optimization ?? {};
  return { ...base, ...explicit, memory: { ...(base as OptimizationSwitches).memory, ...explicit.memory } };
}

/** The expansion of a level as YAML-like lines, for hover and docs. */
export function describeLevel(level: 'basic' | 'advanced' | 'ultra' | 'custom'): string {
  if (level === 'custom') return 'Sets nothing: only the switches written under `optimization` apply.';
  const s = LEVELS[level];
  return [
    `prefetch: ${s.prefetch}`,
    `workers: ${s.workers}`,
    `activation_checkpointing: ${s.activation_checkpointing}`,
    `mixed_precision: ${s.mixed_precision}${s.mixed_precision ? '   # GPU backend only' : ''}`,
    `nan_guard: ${s.nan_guard}`,
    `memory: { warn_at: ${s.memory.warn_at}, act_at: ${s.memory.act_at}, action: ${s.memory.action} }`,
  ].join('\n');
}
