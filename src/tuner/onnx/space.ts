import type { OnnxProviderInfo, OnnxSessionOptions } from '../../protocol/onnx';

/** Settings changed together: `undefined` for a key means ORT's default (the key removed). */
export type OnnxPatch = { readonly [K in keyof OnnxSessionOptions]?: OnnxSessionOptions[K] | undefined };

/** A session setting the tuner varies, and the choices it tries (ORT's default first). */
export interface OnnxDimension {
  readonly name: string;
  readonly choices: readonly OnnxPatch[];
}

/**
 * The settings searched, in the order the coordinate search visits them: the provider, intra-op threads (1, half
 * the cores, all of them), spinning, the execution mode with its inter-op threads, the graph optimization level,
 * the memory pattern and the CPU arena.
 */
export function onnxDimensions(cores: number, providers: readonly OnnxProviderInfo[]): OnnxDimension[] {
  const threads = [...new Set([1, Math.max(1, Math.floor(cores / 2)), cores])];
  const usable = providers.filter((p) => p.available).map((p) => p.name);
  return [
    ...(usable.length > 1 ? [{ name: 'provider', choices: usable.map((provider) => ({ provider })) }] : []),
    {
      name: 'intra-op threads',
      choices: [{ intraOpThreads: undefined }, ...threads.map((t) => ({ intraOpThreads: t }))],
    },
    { name: 'spinning', choices: [{ allowSpinning: undefined }, { allowSpinning: false }] },
    {
      name: 'execution mode',
      choices: [
        { executionMode: undefined, interOpThreads: undefined },
        ...threads.filter((t) => t > 1).map((t) => ({ executionMode: 'parallel' as const, interOpThreads: t })),
      ],
    },
    {
      name: 'graph optimization',
      choices: [
        { graphOptimizationLevel: undefined },
        { graphOptimizationLevel: 'extended' as const },
        { graphOptimizationLevel: 'basic' as const },
      ],
    },
    { name: 'memory pattern', choices: [{ enableMemPattern: undefined }, { enableMemPattern: false }] },
    { name: 'CPU arena', choices: [{ enableCpuMemArena: undefined }, { enableCpuMemArena: false }] },
  ];
}

/** `options` with `patch` applied (a key set to `undefined` goes back to ORT's default). */
export function applyPatch(options: OnnxSessionOptions, patch: OnnxPatch): OnnxSessionOptions {
  const next: Record<string, unknown> = { ...options };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as unknown as OnnxSessionOptions;
}

/**
 * Why a combination is not worth measuring, or undefined when it is: parallel mode with one inter-op thread (or
 * inter-op threads in sequential mode, where ORT ignores them), more threads than twice the cores, spinning
 * settings with one thread, or CPU-only settings on another provider.
 */
export function prunedBecause(options: OnnxSessionOptions, cores: number): string | undefined {
  const parallel = options.executionMode === 'parallel';
  if (parallel && (options.interOpThreads ?? 1) < 2)
    return 'parallel execution with one inter-op thread is sequential execution with overhead';
  if (!parallel && options.interOpThreads !== undefined)
    return 'inter-op threads are only used in parallel execution mode';
  const intra = options.intraOpThreads ?? cores;
  if (intra * (parallel ? (options.interOpThreads ?? 1) : 1) > 2 * cores)
    return `${intra} × ${options.interOpThreads} threads oversubscribe ${cores} cores`;
  if (options.allowSpinning === false && options.intraOpThreads === 1)
    return 'with one intra-op thread there is no thread to spin';
  if (options.provider !== 'cpu' && (options.enableCpuMemArena !== undefined || options.allowSpinning !== undefined))
    return 'CPU arena and spinning settings apply to the CPU provider';
  return undefined;
}

/** Whether two option sets are the same settings. */
export function sameOptions(a: OnnxSessionOptions, b: OnnxSessionOptions): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof OnnxSessionOptions>;
  return [...keys].every((k) => a[k] === b[k]);
}
