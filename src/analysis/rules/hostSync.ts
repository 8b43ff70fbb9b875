import { categoryPercent, type Rule } from './rule';

/** Thresholds of the host-sync rule: % of step time spent reading values back from the device. */
export const HOST_SYNC = { medium: 5, high: 20 } as const;

/**
 * Host-sync overhead (TrainLens runs): the steps wait for values read back from the device (the loss every
 * `log_every` steps, the NaN guard's check). Fix: read less often.
 */
export const hostSync: Rule = (profile) => {
  if (!profile.run) return undefined;
  const percent = categoryPercent(profile, 'host_sync');
  if (percent < HOST_SYNC.medium) return undefined;
  const high = percent >= HOST_SYNC.high;
  return {
    id: 'host-sync',
    severity: high ? 'high' : 'medium',
    title: `${percent}% of each step waits for values read back from the device`,
    evidence: {
      hostSyncPercent: percent,
      threshold: high ? HOST_SYNC.high : HOST_SYNC.medium,
      logEvery: profile.run.logEvery,
    },
    fix: {
      path: 'monitoring.log_every',
      value: profile.run.logEvery * 4,
      description: 'Read the loss from the device four times less often.',
    },
  };
};
