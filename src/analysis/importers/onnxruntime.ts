import type { SpanRecorder } from '../spans';
import { OpTotals } from '../opTotals';
import type { Profile, ProfileStep } from '../profile';
import { maxOf, minOf } from '../../common/stats';

/** Categories of an ONNX Runtime profile's run: node kernels, the fences around them, and the rest of the run. */
export const ORT_CATEGORIES = ['kernel', 'fence', 'other'] as const;

interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * Builds a {@link Profile} from an ONNX Runtime profile (a JSON array of trace events). Each `model_run` session
 * event is a step; inside it, node events named `<node>_kernel_time` are kernel time and `_fence_before` /
 * `_fence_after` are fence time (synchronization around a node); the rest of the run is `other`. Operators are
 * aggregated by op type (`args.op_name`), with the execution provider when the profile records it.
 */
export class OrtProfileBuilder {
  private readonly runs: Span[] = [];
  private readonly kernels: Span[] = [];
  private readonly fences: Span[] = [];
  private readonly ops = new OpTotals();
  events = 0;

  /** @param spans where to record the spans for the timeline view, when it is wanted. */
  constructor(private readonly spans?: SpanRecorder) {}

  add(event: Record<string, unknown>): void {
    this.events++;
    if (event['ph'] !== 'X') return;
    const ts = event['ts'];
    const dur = event['dur'];
    const name = event['name'];
    if (typeof ts !== 'number' || typeof dur !== 'number' || typeof name !== 'string') return;
    const span = { start: ts, end: ts + Math.max(0, dur) };
    if (this.spans) {
      const session = event['cat'] === 'Session';
      const key = session ? 'session' : `${String(event['pid'])}/${String(event['tid'])}`;
      this.spans.add(
        key,
        session ? 'Session' : `thread ${String(event['tid'])}`,
        session ? 'steps' : 'cpu',
        name,
        ts,
        dur,
      );
    }
    if (event['cat'] === 'Session' && name === 'model_run') this.runs.push(span);
    if (event['cat'] !== 'Node') return;
    if (name.endsWith('_kernel_time')) {
      this.kernels.push(span);
      const args = event['args'] as Record<string, unknown> | undefined;
      const op = typeof args?.['op_name'] === 'string' ? args['op_name'] : name.slice(0, -'_kernel_time'.length);
      const provider =
        typeof args?.['provider'] === 'string' ? ` (${args['provider'].replace('ExecutionProvider', '')})` : '';
      this.ops.add(`${op}${provider}`, dur);
    } else if (name.endsWith('_fence_before') || name.endsWith('_fence_after')) this.fences.push(span);
  }

  build(file: string, bytes: number): Profile {
    let stepsNote: string | undefined;
    let runs = this.runs;
    if (runs.length === 0) {
      const all = [...this.kernels, ...this.fences];
      runs = all.length ? [{ start: minOf(all.map((s) => s.start)), end: maxOf(all.map((s) => s.end)) }] : [];
      stepsNote = 'the profile has no model_run events: all node events are analysed as one run';
    }
    const within = (spans: Span[], run: Span) =>
      spans.reduce((sum, s) => sum + Math.max(0, Math.min(s.end, run.end) - Math.max(s.start, run.start)), 0);
    const steps: ProfileStep[] = runs.map((run, i) => {
      const duration = run.end - run.start;
      const kernel = Math.min(duration, within(this.kernels, run));
      const fence = Math.min(duration - kernel, within(this.fences, run));
      return {
        name: String(i + 1),
        startUs: run.start,
        endUs: run.end,
        breakdown: { kernel, fence, other: duration - kernel - fence },
      };
    });
    const operators = this.ops.table();
    return {
      source: 'onnxruntime',
      file,
      devices: [],
      categories: ORT_CATEGORIES,
      steps,
      ...(stepsNote ? { stepsNote } : {}),
      kernels: [],
      operators,
      ...(this.spans ? { timeline: this.spans.build() } : {}),
      stats: { events: this.events, bytes },
    };
  }
}
