/**
 * Child process of the ingestion benchmark: reads one trace as `trainlens analyze` does (loadProfile, then
 * analyzeProfile) and prints, as one JSON line, its time and this process's peak RSS, which is then the reader's
 * alone.
 *
 *   node --import tsx bench/support/readChild.ts FILE
 */
import { analyzeProfile, loadProfile } from '../../src/analysis/analyze';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: readChild.ts FILE');
  const started = performance.now();
  let bytes = 0;
  const profile = await loadProfile(file, (read) => (bytes = read));
  const report = analyzeProfile(profile);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      bytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      steps: profile.steps.length,
      events: profile.stats.events,
      findings: report.findings.length,
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`readChild: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
