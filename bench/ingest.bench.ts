/**
 * Benchmark: trace ingestion. The streaming reader + Kineto profile (what `trainlens analyze` does) against
 * `JSON.parse` of the same decompressed bytes, on hta_ns_resolution_v100 (15 MB of JSON), alternated in one
 * process; best of 5 each. Prints MB/s and the ratio (target: within 1.5× of JSON.parse).
 *
 *   npm run bench:ingest [-- FILE.json.gz]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTrace } from '../src/analysis/ingest/traceReader';
import { KinetoProfileBuilder } from '../src/analysis/kineto/kineto';

const file = process.argv[2] ?? join(__dirname, '..', 'test', 'fixtures', 'traces', 'hta_ns_resolution_v100.json.gz');

async function streaming(): Promise<number> {
  const started = performance.now();
  const builder = new KinetoProfileBuilder();
  const document = await readTrace(file, { onEvent: (event) => builder.add(event) });
  builder.build(file, document.metadata, document.bytes);
  return performance.now() - started;
}

function whole(): number {
  const started = performance.now();
  const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { traceEvents: unknown[] };
  if (parsed.traceEvents.length === 0) throw new Error('no events');
  return performance.now() - started;
}

async function main(): Promise<void> {
  const megabytes = gunzipSync(readFileSync(file)).length / 1024 / 1024;
  await streaming();
  whole();
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < 5; i++) {
    ours.push(await streaming());
    baseline.push(whole());
  }
  const best = (v: number[]) => Math.min(...v);
  process.stdout.write(
    `${file}: ${megabytes.toFixed(1)} MB of JSON\n` +
      `gunzip + JSON.parse (whole file in memory): ${best(baseline).toFixed(0)} ms = ${(megabytes / (best(baseline) / 1000)).toFixed(1)} MB/s\n` +
      `streaming read + Kineto profile:            ${best(ours).toFixed(0)} ms = ${(megabytes / (best(ours) / 1000)).toFixed(1)} MB/s\n` +
      `ratio streaming / JSON.parse: ${(best(ours) / best(baseline)).toFixed(2)}× (target ≤ 1.5×); peak RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
