/** Number formats shared by the panels and the HTML report (one place, so tests can rely on them). */

/** Milliseconds with three significant decimals below 10 ms, two below 1 s, else one: `0.123 ms`, `12.35 ms`. */
export function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(abs >= 100 ? 1 : abs >= 10 ? 2 : 3)} ms`;
}

/** Microseconds as the most readable unit: `850 µs`, `12.4 ms`, `1.25 s`. */
export function formatUs(us: number): string {
  const abs = Math.abs(us);
  if (abs < 1000) return `${us.toFixed(abs < 10 ? 2 : 0)} µs`;
  return formatMs(us / 1000);
}

/** Bytes in binary units (`512 B`, `3.2 MiB`): the one helper every layer uses. */
export { formatBytes } from '../../src/common/format';

/** A percentage with up to two decimals: `12.5%`. */
export function formatPercent(percent: number): string {
  return `${Number(percent.toFixed(2))}%`;
}

/** A count with thousands separators: `12,345`. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
