import type { OpChange, ProfileDiff } from '../protocol/profileDiff';
import type { OpAggregate, Profile } from './profile';

export type { OpChange, ProfileDiff } from '../protocol/profileDiff';

/** Changes smaller than this share of the larger value count as `same`. */
const SAME = 0.05;

function meanStep(profile: Profile): number {
  return profile.steps.length ? profile.steps.reduce((a, s) => a + (s.endUs - s.startUs), 0) / profile.steps.length : 0;
}

function perStep(profile: Profile, ops: readonly OpAggregate[]): Map<string, number> {
  const steps = Math.max(1, profile.steps.length);
  return new Map(ops.map((op) => [op.name, op.totalUs / steps]));
}

/**
 * Compares two profiles of the same kind (before → after): the mean step, each category's mean time per step, and
 * every operator and kernel's time per step, classified as added, removed, faster, slower (by more than 5%) or the
 * same.
 */
export function diffProfiles(before: Profile, after: Profile): ProfileDiff {
  const [a, b] = [meanStep(before), meanStep(after)];
  const categories = [...new Set([...before.categories, ...after.categories])];
  const mean = (profile: Profile, category: string) =>
    profile.steps.length
      ? profile.steps.reduce((sum, s) => sum + (s.breakdown[category] ?? 0), 0) / profile.steps.length
      : 0;
  const breakdown = categories.map((category) => {
    const [x, y] = [mean(before, category), mean(after, category)];
    return { category, beforeUs: x, afterUs: y, deltaUs: y - x };
  });
  const left = new Map([...perStep(before, before.kernels), ...perStep(before, before.operators)]);
  const right = new Map([...perStep(after, after.kernels), ...perStep(after, after.operators)]);
  const ops: OpChange[] = [...new Set([...left.keys(), ...right.keys()])].map((name) => {
    const x = left.get(name);
    const y = right.get(name);
    const beforeUs = x ?? 0;
    const afterUs = y ?? 0;
    const change: OpChange['change'] =
      x === undefined
        ? 'added'
        : y === undefined
          ? 'removed'
          : Math.abs(afterUs - beforeUs) <= SAME * Math.max(beforeUs, afterUs)
            ? 'same'
            : afterUs < beforeUs
              ? 'faster'
              : 'slower';
    return { name, change, beforeUs, afterUs, deltaUs: afterUs - beforeUs };
  });
  ops.sort((p, q) => Math.abs(q.deltaUs) - Math.abs(p.deltaUs));
  return { steps: { beforeUs: a, afterUs: b, ratio: a > 0 ? b / a : 0 }, breakdown, ops };
}
