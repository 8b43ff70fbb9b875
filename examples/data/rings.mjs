// A TrainLens data module (data.source: module): three noisy concentric rings in the plane, one class per ring.
// The engine calls the default export once per split with { tf, split, seed, batchSize, config } and trains on the
// tf.data.Dataset it returns; each sample is { xs: [x, y], ys: classIndex }. The same seed gives the same samples,
// which is what lets a resumed run continue exactly where it stopped.

/** mulberry32: a small seeded generator, so the data does not depend on Math.random. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export default function rings({ tf, split, seed }) {
  const samples = split === 'train' ? 6000 : 600;
  return tf.data.generator(function* () {
    const next = random(split === 'train' ? seed : seed + 1);
    for (let i = 0; i < samples; i++) {
      const ring = i % 3;
      const angle = next() * 2 * Math.PI;
      const radius = 1 + ring + (next() - 0.5) * 0.6;
      yield { xs: [radius * Math.cos(angle), radius * Math.sin(angle)], ys: ring };
    }
  });
}
