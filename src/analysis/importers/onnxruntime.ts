import type { SpanRecorder } from '../spans';
import { OpTotals } from '../opTotals';
import type { OnnxProfile, Profile, ProfileStep } from '../profile';
import { mergeRanges, subtractRanges, sumRanges } from '../ranges';
import { maxOf, minOf } from '../../common/stats';

/** Categories of an ONNX Runtime profile's run: node kernels, the fences around them, and the rest of the run. */
export const ORT_CATEGORIES = ['kernel', 'fence', 'other'] as const;

const KERNEL_SUFFIX = '_kernel_time';

interface Span {
  readonly start: number;
  readonly end: number;
}

/** A node's identity and its totals over the analysed runs. */
interface NodeEntry {
  readonly name: string;
  readonly opType: string;
  readonly provider: string;
  calls: number;
  totalUs: number;
}

/** `CPUExecutionProvider` → `CPU`; empty when the profile does not say (profiles before ORT 1.4 or so). */
export function providerName(provider: unknown): string {
  return typeof provider === 'string' ? provider.replace(/ExecutionProvider$/, '') : '';
}

/**
 * Builds a {@link Profile} from an ONNX Runtime profile (a JSON array of trace events). Each `model_run` session
 * event is a step; inside it, node events named `<node>_kernel_time` are kernel time and `_fence_before` /
 * `_fence_after` are fence time (synchronization around a node; ORT 1.30 writes none); the rest of the run is
 * `other`. Times are unions, so nodes running at once on the parallel executor's threads count once. Operators are
 * aggregated by op type (`args.op_name`), with the execution provider when the profile records it, and nodes by
 * name (`profile.onnx.nodes`) over the runs they start in.
 */
export class OrtProfileBuilder {
  private readonly runs: Span[] = [];
  private readonly kernels: Span[] = [];
  /** The node of each kernel span, an index into {@link nodes}. */
  private readonly kernelNodes: number[] = [];
  private readonly fences: Span[] = [];
  private readonly nodeIds = new Map<string, number>();
  private readonly nodes: NodeEntry[] = [];
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
    const session = event['cat'] === 'Session';
    // One track for the session's events (load, initialization, each run and its executor), one per thread for the
    // nodes: the calling thread in sequential mode, the inter-op pool's threads in parallel mode.
    if (this.spans) {
      const tid = String(event['tid']);
      const main = event['tid'] !== undefined && event['tid'] === event['pid'];
      this.spans.add(
        session ? 'session' : `${String(event['pid'])}/${tid}`,
        session ? 'Session' : `thread ${tid}${main ? ' (main)' : ''}`,
        session ? 'steps' : 'cpu',
        name,
        ts,
        dur,
      );
    }
    if (session && name === 'model_run') this.runs.push(span);
    if (event['cat'] !== 'Node') return;
    if (name.endsWith(KERNEL_SUFFIX)) {
      const args = event['args'] as Record<string, unknown> | undefined;
      const node = name.slice(0, -KERNEL_SUFFIX.length);
      const opType = typeof args?.['op_name'] === 'string' ? args['op_name'] : node;
      const provider = providerName(args?.['provider']);
      this.kernels.push(span);
      this.kernelNodes.push(this.nodeId(node, opType, provider));
      this.ops.add(provider ? `${opType} (${provider})` : opType, dur);
    } else if (name.endsWith('_fence_before') || name.endsWith('_fence_after')) this.fences.push(span);
  }

  private nodeId(name: string, opType: string, provider: string): number {
    let id = this.nodeIds.get(name);
    if (id === undefined) {
      id = this.nodes.length;
      this.nodeIds.set(name, id);
      this.nodes.push({ name, opType, provider, calls: 0, totalUs: 0 });
    }
    return id;
  }

  build(file: string, bytes: number): Profile {
    let stepsNote: string | undefined;
    let runs = [...this.runs].sort((a, b) => a.start - b.start);
    if (runs.length === 0) {
      const all = [...this.kernels, ...this.fences];
      runs = all.length ? [{ start: minOf(all.map((s) => s.start)), end: maxOf(all.map((s) => s.end)) }] : [];
      stepsNote = 'the profile has no model_run events: all node events are analysed as one run';
    }
    const kernels = new SpansByStart(this.kernels);
    const fences = new SpansByStart(this.fences);
    const counted = new Uint8Array(this.kernels.length);
    const steps: ProfileStep[] = runs.map((run, i) => {
      const duration = run.end - run.start;
      const kernelRanges = mergeRanges(kernels.clippedTo(run));
      const kernel = Math.min(duration, sumRanges(kernelRanges));
      const fence = Math.min(
        duration - kernel,
        sumRanges(subtractRanges(mergeRanges(fences.clippedTo(run)), kernelRanges)),
      );
      // Each node call counts in the first run it starts in.
      kernels.forEachStartingIn(run, (k) => {
        if (counted[k]) return;
        counted[k] = 1;
        const node = this.nodes[this.kernelNodes[k]!]!;
        node.calls++;
        node.totalUs += this.kernels[k]!.end - this.kernels[k]!.start;
      });
      return {
        name: String(i + 1),
        startUs: run.start,
        endUs: run.end,
        breakdown: { kernel, fence, other: duration - kernel - fence },
      };
    });
    const onnx: OnnxProfile = {
      nodes: this.nodes
        .filter((n) => n.calls > 0)
        .map((n) => ({ name: n.name, opType: n.opType, provider: n.provider, calls: n.calls, totalUs: n.totalUs }))
        .sort((a, b) => b.totalUs - a.totalUs),
      runs: runs.length,
    };
    return {
      source: 'onnxruntime',
      file,
      devices: [],
      categories: ORT_CATEGORIES,
      steps,
      ...(stepsNote ? { stepsNote } : {}),
      kernels: [],
      operators: this.ops.table(),
      onnx,
      ...(this.spans ? { timeline: this.spans.build() } : {}),
      stats: { events: this.events, bytes },
    };
  }
}

/** Spans sorted by start, to find those overlapping a run without scanning them all for every run. */
class SpansByStart {
  private readonly order: Uint32Array;
  private readonly longest: number;

  constructor(private readonly spans: readonly Span[]) {
    this.order = new Uint32Array(spans.length).map((_, i) => i);
    this.order.sort((a, b) => spans[a]!.start - spans[b]!.start);
    this.longest = maxOf(
      spans.map((s) => s.end - s.start),
      0,
    );
  }

  /** The index in {@link order} of the first span starting at or after `us`. */
  private firstFrom(us: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.spans[this.order[mid]!]!.start < us) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The parts of the spans inside `run`, as flat [start, end] pairs. */
  clippedTo(run: Span): number[] {
    const pairs: number[] = [];
    for (let i = this.firstFrom(run.start - this.longest); i < this.order.length; i++) {
      const span = this.spans[this.order[i]!]!;
      if (span.start >= run.end) break;
      const start = Math.max(span.start, run.start);
      const end = Math.min(span.end, run.end);
      if (end > start) pairs.push(start, end);
    }
    return pairs;
  }

  /** Calls `visit` with the index of each span that starts inside `run`. */
  forEachStartingIn(run: Span, visit: (index: number) => void): void {
    for (let i = this.firstFrom(run.start); i < this.order.length; i++) {
      const index = this.order[i]!;
      if (this.spans[index]!.start >= run.end) break;
      visit(index);
    }
  }
}
