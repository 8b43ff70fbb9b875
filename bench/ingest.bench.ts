/**
 * Benchmark: trace ingestion. The streaming reader + Kineto profile (what `trainlens analyze` does) against
 * `JSON.parse` of the same decompressed bytes, on hta_ns_resolution_v100 (15 MB of JSON), alternated in one
 * process; best of 5 each. Prints MB/s and the ratio (target: within 1.5× of JSON.parse).
 *
 * With --large, it also writes a trace of ≥ 1 GB (the same trace's events repeated, shifted in time so the steps
 * follow each other) to the temp folder and reads it with the streaming reader alone (JSON.parse cannot hold 1 GB
 * in one string): throughput and the process's peak RSS.
 *
 *   npm run bench:ingest [-- FILE.json.gz] [-- --large]
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync } from 'node:zlib';
import { readTrace } from '../src/analysis/ingest/traceReader';
import { KinetoProfileBuilder } from '../src/analysis/kineto/kineto';

const args = process.argv.slice(2);
const large = args.includes('--large');
const file =
  args.find((a) => !a.startsWith('--')) ??
  join(__dirname, '..', 'test', 'fixtures', 'traces', 'hta_ns_resolution_v100.json.gz');

/** Writes `file`'s events `times` times, shifted by its span each time, as one gzip trace; returns its path. */
async function writeLarge(times: number): Promise<{ path: string; bytes: number }> {
  const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
    traceEvents: Array<Record<string, unknown>>;
  };
  const { traceEvents, ...metadata } = parsed;
  const stamps = traceEvents.map((e) => e['ts']).filter((t): t is number => typeof t === 'number');
  const span = Math.max(...stamps) - Math.min(...stamps) + 1000;
  const path = join(tmpdir(), 'trainlens-large-trace.json.gz');
  const gzip = createGzip({ level: 1 });
  const done = pipeline(gzip, createWriteStream(path));
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!gzip.write(text)) await once(gzip, 'drain');
  };
  await write(`${JSON.stringify(metadata).slice(0, -1)}, "traceEvents": [\n`);
  for (let r = 0; r < times; r++) {
    const lines: string[] = [];
    for (const event of traceEvents) {
      const shifted = typeof event['ts'] === 'number' ? { ...event, ts: event['ts'] + r * span } : event;
      if (typeof shifted['name'] === 'string' && shifted['name'].startsWith('ProfilerStep#'))
        shifted['name'] = `ProfilerStep#${r * 1000 + Number(shifted['name'].slice(13))}`;
      lines.push(JSON.stringify(shifted));
    }
    await write(`${r > 0 ? ',\n' : ''}${lines.join(',\n')}`);
  }
  await write('\n]}\n');
  gzip.end();
  await done;
  return { path, bytes };
}

async function streaming(path = file): Promise<number> {
  const started = performance.now();
  const builder = new KinetoProfileBuilder();
  const document = await readTrace(path, { onEvent: (event) => builder.add(event) });
  builder.build(path, document.metadata, document.bytes);
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
      `ratio streaming / JSON.parse: ${(best(ours) / best(baseline)).toFixed(2)}× (target ≤ 1.5×); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
  );
  if (!large) return;
  // Events are written compactly (no indentation), so one repetition is smaller than the file it comes from.
  const compact = (
    JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { traceEvents: unknown[] }
  ).traceEvents
    .map((e) => JSON.stringify(e).length + 2)
    .reduce((a, b) => a + b, 0);
  const times = Math.ceil((1.02 * 1024 ** 3) / compact);
  const written = await writeLarge(times);
  global.gc?.();
  const before = process.resourceUsage().maxRSS / 1024;
  const ms = await streaming(written.path);
  const gib = written.bytes / 1024 ** 3;
  process.stdout.write(
    `large: ${times} repetitions = ${gib.toFixed(2)} GiB of JSON (${(statSync(written.path).size / 1024 ** 2).toFixed(0)} MiB gzip): ` +
      `${(ms / 1000).toFixed(1)} s = ${(written.bytes / 1024 ** 2 / (ms / 1000)).toFixed(1)} MB/s; ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (before reading it: ${before.toFixed(0)} MiB; target ≤ 1 GiB)\n`,
  );
  rmSync(written.path, { force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
