import type { Profile } from '../profile';

/**
 * A one-step Kineto-like profile of 1,000 µs with the given µs per category (the rest is `other`), for the rules'
 * tests: what a rule sees, without a trace.
 */
export function handMadeProfile(breakdown: Record<string, number>, extra: Partial<Profile> = {}): Profile {
  const used = Object.values(breakdown).reduce((a, b) => a + b, 0);
  return {
    source: 'kineto',
    file: 'x.json',
    devices: [],
    categories: ['kernel', 'communication', 'runtime', 'dataloader', 'cpu_exec', 'other'],
    steps: [{ name: '1', startUs: 0, endUs: 1000, breakdown: { ...breakdown, other: 1000 - used } }],
    kernels: [],
    operators: [],
    stats: { events: 0, bytes: 0 },
    ...extra,
  };
}
