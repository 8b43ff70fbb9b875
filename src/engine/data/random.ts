/** A random stream whose position can be saved in a checkpoint and restored. */
export interface RandomStream {
  (): number;
  /** The generator's internal state (a 32-bit integer). */
  state: number;
}

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same stream on every machine. */
export function createRandom(seed: number): RandomStream {
  const next = (() => {
    next.state = (next.state + 0x6d2b79f5) >>> 0;
    let t = next.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as RandomStream;
  next.state = seed >>> 0;
  return next;
}

/** A standard normal sample from two uniforms (Box–Muller). */
export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Shuffles indices in place with Fisher–Yates, deterministically for a given random stream. */
export function shuffleInPlace(indices: Uint32Array, random: () => number): void {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = tmp;
  }
}
