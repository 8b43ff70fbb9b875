/** HTA's analyses as the report carries them: percents to 0.01 (as HTA prints them), shares to 0.0001, µs to 0.001. */
import type { HtaAnalysis } from '../../protocol/analysis';

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The profile's HTA analyses, rounded for the report. */
export function htaReportOf(hta: HtaAnalysis): HtaAnalysis {
  const { temporal: t, launches: l } = hta;
  return {
    ...hta,
    temporal: {
      spanUs: round(t.spanUs, 3),
      idleUs: round(t.idleUs, 3),
      computeUs: round(t.computeUs, 3),
      nonComputeUs: round(t.nonComputeUs, 3),
      idlePercent: round(t.idlePercent, 2),
      computePercent: round(t.computePercent, 2),
      nonComputePercent: round(t.nonComputePercent, 2),
    },
    idle: {
      consecutiveKernelDelayUs: hta.idle.consecutiveKernelDelayUs,
      streams: hta.idle.streams.map((s) => ({
        stream: s.stream,
        idleUs: round(s.idleUs, 3),
        hostWaitUs: round(s.hostWaitUs, 3),
        kernelWaitUs: round(s.kernelWaitUs, 3),
        otherUs: round(s.otherUs, 3),
        hostWaitShare: round(s.hostWaitShare, 4),
        kernelWaitShare: round(s.kernelWaitShare, 4),
        otherShare: round(s.otherShare, 4),
      })),
    },
    launches: { ...l, delayMeanUs: round(l.delayMeanUs, 3) },
  };
}
