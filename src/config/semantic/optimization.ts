import { LEVELS } from '../levels';
import type { SemanticCheck } from './context';

/** Explicit switches that contradict the level, and GPU-only options on CPU backends. */
export const checkOptimization: SemanticCheck = (ctx) => {
  const optimization = ctx.config.optimization;
  const level = optimization?.level ?? 'basic';
  if (optimization && level !== 'custom') {
    const expansion = LEVELS[level];
    const levelSpan = ctx.valueSpan(['optimization', 'level']);
    for (const key of ['prefetch', 'workers', 'activation_checkpointing', 'mixed_precision', 'nan_guard'] as const) {
      const explicit = optimization[key];
      if (explicit === undefined || explicit === expansion[key]) continue;
      ctx.report(
        'warning',
        'semantic/level-contradiction',
        ['optimization', key],
        `optimization.${key}: ${String(explicit)} contradicts level "${level}", which sets ${String(expansion[key])}. The explicit value wins; set level: custom to make that choice explicit, or remove the switch.`,
        {
          fixes: levelSpan
            ? [
                {
                  title: 'Set optimization.level to custom',
                  edits: [{ start: levelSpan[0], end: levelSpan[1], newText: 'custom' }],
                  preferred: true,
                },
              ]
            : [],
        },
      );
    }
  }

  const backend = ctx.config.engine?.backend ?? 'auto';
  const mixed = optimization?.mixed_precision ?? (level === 'ultra' ? true : false);
  if (mixed && (backend === 'cpu' || backend === 'wasm')) {
    const explicit = optimization?.mixed_precision !== undefined;
    ctx.report(
      'warning',
      'semantic/gpu-only-option',
      explicit ? ['optimization', 'mixed_precision'] : ['optimization', 'level'],
      `Mixed precision needs the GPU (tensorflow) backend; engine.backend is ${backend}, so it is ignored${explicit ? '' : ` (level "${level}" turns it on)`}. Use engine.backend: auto or tensorflow on a GPU machine.`,
    );
  }
};
