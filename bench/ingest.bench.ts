/**
 * Benchmark: trace ingestion. The streaming reader + Kineto profile (what `trainlens analyze` does) against
 * `JSON.parse` of the same decompressed bytes, on hta_ns_resolution_v100 (15 MB of JSON), alternated in one
 * process; best of 5 each. Prints MB/s and the ratio (target: within 1.5× of JSON.parse).
 *
 * With --large, it also writes a trace of ≥ 1 GB (the same trace's events repeated, shifted in time and ids so the
 * steps follow each other, see support/replicated.ts) to the temp folder and reads it with the streaming reader
 * alone (JSON.parse cannot hold 1 GB in one string): throughput and the process's peak RSS.
 *
 * The replicated traces are written in the source's own formatting (Kineto's spaces and newlines), or compactly
 * with --compact.
 *
 * With --huge, it writes a ≥ 10 GiB trace the same way (gzip level 1; with --plain also as plain JSON) and reads
 * it as `trainlens analyze` does in a child process (support/readChild.ts), so the peak RSS is the reader's alone;
 * targets: ≥ 100 MB/s and peak RSS ≤ 1 GiB. Then 128 ranks × 30 MB (support/ranks.ts, when present), in a child
 * too: peak RSS ≤ 1 GiB. Before those, a trace with a 50 and a 200 MB string member (support/bigString.ts): linear
 * time, bounded memory. Each target prints PASS or FAIL; a FAIL makes the exit status 1. (MB here is MiB.)
 *
 *   npm run bench:ingest [-- FILE.json.gz] [-- --large] [-- --huge [--plain]] [-- --compact]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTrace } from '../src/analysis/ingest/traceReader';
import { KinetoProfileBuilder } from '../src/analysis/kineto/kineto';
import { writeBigStringTrace } from './support/bigString';
import { replicaSource, writeReplicated } from './support/replicated';

const args = process.argv.slice(2);
const large = args.includes('--large');
const huge = args.includes('--huge');
const plain = args.includes('--plain');
/** Write the replicated traces compactly (`JSON.stringify`) instead of in the source's own formatting. */
const compact = args.includes('--compact');
const formatting = compact ? 'compact' : "the source's formatting";
const file =
  args.find((a) => !a.startsWith('--')) ??
  join(__dirname, '..', 'test', 'fixtures', 'traces', 'hta_ns_resolution_v100.json.gz');
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
let failed = false;

/** One target's line: PASS or FAIL. */
function verdict(ok: boolean, what: string): string {
  if (!ok) failed = true;
  return `${ok ? 'PASS' : 'FAIL'} ${what}`;
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

async function ratio(): Promise<void> {
  const megabytes = gunzipSync(readFileSync(file)).length / MiB;
  await streaming();
  whole();
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < 5; i++) {
    ours.push(await streaming());
    baseline.push(whole());
  }
  const best = (v: number[]) => v.reduce((a, b) => Math.min(a, b), Infinity);
  const times = best(ours) / best(baseline);
  process.stdout.write(
    `${file}: ${megabytes.toFixed(1)} MB of JSON\n` +
      `gunzip + JSON.parse (whole file in memory): ${best(baseline).toFixed(0)} ms = ${(megabytes / (best(baseline) / 1000)).toFixed(1)} MB/s\n` +
      `streaming read + Kineto profile:            ${best(ours).toFixed(0)} ms = ${(megabytes / (best(ours) / 1000)).toFixed(1)} MB/s\n` +
      `ratio streaming / JSON.parse: ${times.toFixed(2)}× ${verdict(times <= 1.5, '(target ≤ 1.5×)')}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
  );
}

/** The 1 GiB trace, read in this process by the streaming reader alone. */
async function largeTrace(): Promise<void> {
  const source = replicaSource(file, compact);
  const times = Math.ceil((1.02 * GiB) / source.bytesPerRepetition);
  const path = join(tmpdir(), `trainlens-large-trace-${process.pid}.json.gz`);
  try {
    const bytes = await writeReplicated(source, times, path, true);
    global.gc?.();
    const before = process.resourceUsage().maxRSS / 1024;
    const ms = await streaming(path);
    process.stdout.write(
      `large (${formatting}): ${times} repetitions = ${(bytes / GiB).toFixed(2)} GiB of JSON (${(statSync(path).size / MiB).toFixed(0)} MiB gzip): ` +
        `${(ms / 1000).toFixed(1)} s = ${(bytes / MiB / (ms / 1000)).toFixed(1)} MB/s; ` +
        `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (before reading it: ${before.toFixed(0)} MiB; target ≤ 1 GiB)\n`,
    );
  } finally {
    rmSync(path, { force: true });
  }
}

/** Runs `script` (under bench/support) in a child process and parses the JSON line it prints. */
function child(script: string, ...rest: string[]): Record<string, number> {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'support', script), ...rest], {
    encoding: 'utf8',
    maxBuffer: 16 * MiB,
  });
  if (result.status !== 0) throw new Error(`${script} failed (${result.status ?? result.signal}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

/** The ≥ 10 GiB trace, gzip (and plain JSON with --plain), each read by `trainlens analyze`'s path in a child. */
async function hugeTrace(): Promise<void> {
  const source = replicaSource(file, compact);
  const times = Math.ceil((10.05 * GiB) / source.bytesPerRepetition);
  const free = statfsSync(tmpdir());
  const freeBytes = free.bavail * free.bsize;
  for (const gzip of plain ? [true, false] : [true]) {
    const path = join(tmpdir(), `trainlens-huge-trace-${process.pid}.json${gzip ? '.gz' : ''}`);
    const needed = gzip ? 2 * GiB : 10.2 * GiB;
    if (freeBytes < needed) {
      process.stdout.write(
        `huge (${gzip ? 'gzip' : 'plain'}): skipped, ${(freeBytes / GiB).toFixed(1)} GiB free in ${tmpdir()}\n`,
      );
      continue;
    }
    try {
      const writeStarted = performance.now();
      const bytes = await writeReplicated(source, times, path, gzip);
      const written = (performance.now() - writeStarted) / 1000;
      const read = child('readChild.ts', path);
      const rate = bytes / MiB / read['seconds']!;
      const rss = read['peakRssBytes']!;
      process.stdout.write(
        `huge (${gzip ? `gzip level 1, ${(statSync(path).size / GiB).toFixed(2)} GiB on disk` : 'plain JSON'}, ${formatting}): ${times} repetitions = ` +
          `${(bytes / GiB).toFixed(2)} GiB of JSON, ${read['events']} events, ${read['steps']} steps (written in ${written.toFixed(0)} s)\n` +
          `  analyze: ${read['seconds']!.toFixed(1)} s = ${rate.toFixed(1)} MB/s ${verdict(rate >= 100, '(target ≥ 100 MB/s)')}; ` +
          `peak RSS ${(rss / MiB).toFixed(0)} MiB ${verdict(rss <= GiB, '(target ≤ 1 GiB)')}\n`,
      );
    } finally {
      rmSync(path, { force: true });
    }
  }
}

/** One very large string member (50 and 200 MB): skipped in linear time and bounded memory. */
async function bigString(): Promise<void> {
  const runs: Array<{ mb: number; seconds: number; rss: number }> = [];
  for (const mb of [50, 200]) {
    const path = join(tmpdir(), `trainlens-big-string-${process.pid}-${mb}.json`);
    try {
      await writeBigStringTrace(path, mb);
      const read = child('readChild.ts', path);
      runs.push({ mb, seconds: read['seconds']!, rss: read['peakRssBytes']! });
    } finally {
      rmSync(path, { force: true });
    }
  }
  const [small, big] = runs as [(typeof runs)[0], (typeof runs)[0]];
  process.stdout.write(
    `string member: ${runs.map((r) => `${r.mb} MB in ${r.seconds.toFixed(2)} s, peak RSS ${(r.rss / MiB).toFixed(0)} MiB`).join('; ')}: ` +
      `${verdict(big.seconds <= 6 * small.seconds + 0.5, '(linear: 4× the string, at most 6× the time)')}, ` +
      `${verdict(big.rss <= small.rss + 64 * MiB, '(bounded: at most 64 MiB more)')}\n`,
  );
}

async function main(): Promise<void> {
  await ratio();
  if (large) await largeTrace();
  if (huge) {
    await bigString();
    await hugeTrace();
    if (existsSync(join(__dirname, 'support', 'ranks.ts'))) {
      const ranks = child('ranksChild.ts', '128', '30');
      process.stdout.write(
        `ranks: ${ranks['ranks']} ranks × 30 MB = ${(ranks['bytes']! / GiB).toFixed(2)} GiB of JSON analysed in ${ranks['seconds']!.toFixed(1)} s; ` +
          `peak RSS ${(ranks['peakRssBytes']! / MiB).toFixed(0)} MiB ${verdict(ranks['peakRssBytes']! <= GiB, '(target ≤ 1 GiB)')}\n`,
      );
    } else process.stdout.write('ranks: bench/support/ranks.ts is not there yet: 128 ranks × 30 MB not measured\n');
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
