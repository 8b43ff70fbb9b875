import type { Profile } from '../../src/analysis/profile';
import { SpanRecorder } from '../../src/analysis/spans';

/** Memory samples and timeline spans of the large profile (the panels benchmark's sizes). */
export const SAMPLES = 1_000_000;
export const SPANS = 200_000;
const STEPS = 20;

/** A synthetic Kineto-like profile: 20 steps of 10 ms, spans on a CPU thread (nested) and two GPU streams. */
export function largeProfile(): Profile {
  const stepUs = 10_000;
  const spans = new SpanRecorder();
  const perStep = SPANS / STEPS;
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let s = 0; s < STEPS; s++) {
    const start = s * stepUs;
    spans.add('steps', 'Steps', 'steps', `ProfilerStep#${s}`, start, stepUs);
    for (let i = 0; i < perStep - 1; i++) {
      const t = start + (i / perStep) * stepUs;
      const kind = i % 3;
      if (kind === 0) spans.add('cpu', 'CPU thread 1', 'cpu', `aten::op${i % 40}`, t, 30 + random() * 40);
      else spans.add(`gpu${kind}`, `GPU 0 · stream ${kind}`, 'gpu', `kernel_${i % 97}`, t, 5 + random() * 20);
    }
  }
  const tUs = new Float64Array(SAMPLES);
  const allocated = new Float64Array(SAMPLES);
  const reserved = new Float64Array(SAMPLES);
  let level = 2 * 1024 ** 3;
  for (let i = 0; i < SAMPLES; i++) {
    tUs[i] = (i / SAMPLES) * STEPS * stepUs;
    level = Math.max(1024 ** 3, Math.round(level + (random() - 0.499) * 8 * 1024 ** 2));
    allocated[i] = level;
    reserved[i] = Math.ceil(level / (512 * 1024 ** 2)) * 512 * 1024 ** 2;
  }
  const peakBytes = allocated.reduce((a, b) => Math.max(a, b), 0);
  return {
    source: 'kineto',
    file: 'large-synthetic.json',
    devices: [{ id: 0, name: 'synthetic GPU', memoryBytes: 16 * 1024 ** 3 }],
    categories: ['kernel', 'runtime', 'other'],
    steps: Array.from({ length: STEPS }, (_, s) => ({
      name: String(s),
      startUs: s * stepUs,
      endUs: (s + 1) * stepUs,
      breakdown: { kernel: 0.7 * stepUs, runtime: 0.2 * stepUs, other: 0.1 * stepUs },
    })),
    kernels: [],
    operators: [],
    memory: { tUs, allocatedBytes: allocated, reservedBytes: reserved, peakBytes },
    timeline: spans.build(),
    stats: { events: SPANS, bytes: 0 },
  };
}
