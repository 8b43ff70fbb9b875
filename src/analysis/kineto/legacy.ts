/**
 * PyTorch profiler traces written without Kineto: builds without it (Debian's CPU `python3-torch`, older releases)
 * and the autograd profiler's `export_chrome_trace` write a bare array of `ph: "X"` events with `pid: "CPU
 * functions"` (and `"CUDA functions"` for kernels in old CUDA builds), no `cat` and no metadata. Each event is given
 * the category Kineto would have written for it and the Kineto builder does the rest, so such a trace gets the same
 * steps, breakdown, tables and findings as its Kineto form.
 */
import type { Profile } from '../profile';
import type { SpanRecorder } from '../spans';
import { KinetoProfileBuilder, type KinetoBuilderOptions } from './kineto';

/** What the report says about a trace read this way. */
export const LEGACY_NOTE = 'a PyTorch profiler trace without Kineto (legacy exporter)';

/** Names only PyTorch writes: its step markers, data loader spans and operators. */
const PYTORCH_NAME = /^(ProfilerStep#\d|enumerate\((DataLoader|DataPipe)\)#|aten::)/;
/**
 * Operators (Kineto's `cpu_op`): `ns::name` functions (ATen, autograd), the `…Backward0` nodes, and bare snake_case
 * names such as `detach_`. The legacy format cannot tell these from `record_function` labels: a label in snake case
 * joins the operator table, which is all the category changes (the breakdown counts both as CPU execution).
 */
const OPERATOR_NAME = /::|Backward\d*$|^[a-z_][a-z0-9_]*$/;

/**
 * Whether the first events of a trace are a PyTorch profiler's legacy export: no event of the legacy shape has a
 * category (the exporter's only one, `cpu_to_cuda`, is on its flow arrows), and PyTorch's own names occur.
 */
export function isLegacyPyTorch(events: readonly Record<string, unknown>[]): boolean {
  let pytorch = false;
  for (const event of events) {
    if (event['ph'] !== 'X') continue;
    if (event['cat'] !== undefined) return false;
    if (!pytorch && typeof event['name'] === 'string' && PYTORCH_NAME.test(event['name'])) pytorch = true;
  }
  return pytorch;
}

/**
 * The Kineto category of a legacy event: `kernel` for the device's events, `cpu_op` for operators, and
 * `user_annotation` for the rest (`ProfilerStep#N`, the data loader's `enumerate(DataLoader)#…`, `Optimizer.step#…`
 * and `record_function` labels), as Kineto files them. Undefined for events that are not spans.
 */
export function kinetoCategoryOf(event: Readonly<Record<string, unknown>>): string | undefined {
  if (event['ph'] !== 'X' || event['cat'] !== undefined) return undefined;
  if (event['pid'] === 'CUDA functions') return 'kernel';
  const name = typeof event['name'] === 'string' ? event['name'] : '';
  if (name.startsWith('ProfilerStep#')) return 'user_annotation';
  return OPERATOR_NAME.test(name) ? 'cpu_op' : 'user_annotation';
}

/** A {@link KinetoProfileBuilder} fed legacy events, each in its Kineto form; its profile says how it was read. */
export class LegacyPyTorchProfileBuilder extends KinetoProfileBuilder {
  /** @param spans where to record the spans for the timeline view, when it is wanted. */
  constructor(spans?: SpanRecorder, options?: KinetoBuilderOptions) {
    super(spans, options);
  }

  /** Takes one legacy event (the reader's fresh object, given its category in place). */
  override add(event: Record<string, unknown>): void {
    const cat = kinetoCategoryOf(event);
    if (cat !== undefined) event['cat'] = cat;
    super.add(event);
  }

  /** The profile, once every event has been added, with {@link LEGACY_NOTE} first in its steps note. */
  override build(file: string, metadata: Readonly<Record<string, unknown>>, bytes: number): Profile {
    const profile = super.build(file, metadata, bytes);
    return { ...profile, stepsNote: [LEGACY_NOTE, profile.stepsNote].filter(Boolean).join('; ') };
  }
}
