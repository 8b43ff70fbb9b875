import type { Finding } from '../../protocol/types';
import type { Profile } from '../profile';

/** One analysis rule: looks at a profile and returns its finding, or nothing when the profile is fine. */
export type Rule = (profile: Profile) => Finding | undefined;

/** Share (0–100, two decimals) of the analysed steps' time spent in `category`. */
export function categoryPercent(profile: Profile, category: string): number {
  let total = 0;
  let inCategory = 0;
  for (const step of profile.steps) {
    total += step.endUs - step.startUs;
    inCategory += step.breakdown[category] ?? 0;
  }
  return total > 0 ? Math.round((10000 * inCategory) / total) / 100 : 0;
}
