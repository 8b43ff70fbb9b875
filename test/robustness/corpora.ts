/**
 * The robustness suite's corpora, built fresh on each run in a temporary folder: hostile and ordinary-but-large
 * configs, traces and run folders. Each builder returns the inputs and the command line that reads each one.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ROOT } from './harness';

/** One input and the CLI arguments that read it. */
export interface CliInput {
  readonly name: string;
  readonly args: readonly string[];
}

/** A small seeded PRNG (mulberry32), so every run builds the same corpora. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EDITS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  '?',
  '#',
  ':',
  '-',
  "'",
  '"',
  '&a',
  '*a',
  '!',
  '|',
  '>',
  ' ',
  '\t',
  '\r',
  '\n',
  '.inf',
  '.nan',
  '0',
  '1e999',
  '~',
];

/** `text` with a few seeded edits: characters deleted or inserted, a line re-indented or duplicated. */
export function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (out.length + 1));
    const op = random();
    if (op < 0.35) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 4));
    else if (op < 0.8) out = out.slice(0, at) + EDITS[Math.floor(random() * EDITS.length)]! + out.slice(at);
    else {
      const lines = out.split('\n');
      const i = Math.floor(random() * lines.length);
      lines.splice(i, 0, random() < 0.5 ? ` ${lines[i] ?? ''}` : (lines[i] ?? ''));
      out = lines.join('\n');
    }
  }
  return out;
}

/** The example configs, as the mutation seeds. */
export function exampleConfigs(): Array<{ name: string; text: string }> {
  const dir = join(ROOT, 'examples');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }));
}

/** Config files a user might hand `validate`: seeded mutations, then special files and sizes. */
export function configCorpus(dir: string, mutants: number, seed: number): CliInput[] {
  mkdirSync(dir, { recursive: true });
  const random = prng(seed);
  const examples = exampleConfigs();
  const inputs: CliInput[] = [];
  for (let i = 0; i < mutants; i++) {
    const base = examples[i % examples.length]!;
    const file = join(dir, `mutant-${i}.trainlens.yaml`);
    writeFileSync(file, mutate(base.text, random));
    inputs.push({ name: `mutant ${i} of ${base.name}`, args: ['validate', file] });
  }
  const special: Array<[string, string | Buffer]> = [
    ['empty.yaml', ''],
    ['binary.yaml', Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)))],
    ['utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(examples[0]!.text, 'utf16le')])],
    ['huge.yaml', 'a: 1\n'.repeat(4 * 1024 * 1024)],
    ['deep.yaml', `${'['.repeat(50_000)}${']'.repeat(50_000)}\n`],
    ['long-key.yaml', `${'k'.repeat(200_000)}: 1\n`],
    ['cr-only.yaml', examples[0]!.text.replace(/\n/g, '\r')],
  ];
  for (const [name, content] of special) {
    writeFileSync(join(dir, name), content);
    inputs.push({ name, args: ['validate', join(dir, name)] });
  }
  const fifo = join(dir, 'fifo.yaml');
  execFileSync('mkfifo', [fifo]);
  inputs.push({ name: 'a FIFO', args: ['validate', fifo] });
  inputs.push({ name: '/dev/zero', args: ['validate', '/dev/zero'] });
  inputs.push({ name: 'a folder', args: ['validate', dir] });
  inputs.push({ name: 'a missing file', args: ['validate', join(dir, 'missing.yaml')] });
  return inputs;
}

/** Traces as users have them: cut short, mis-typed, hostile, huge in one member, compressed oddly. */
export function traceCorpus(dir: string, seed: number): CliInput[] {
  mkdirSync(dir, { recursive: true });
  const random = prng(seed);
  const real = gunzipSync(
    readFileSync(join(ROOT, 'test', 'fixtures', 'traces', 'hta_cpu_only_rank34.json.gz')),
  ).toString('utf8');
  const files: Array<[string, string | Buffer]> = [];
  for (let i = 0; i < 6; i++) files.push([`cut-${i}.json`, real.slice(0, Math.floor(random() * real.length))]);
  for (let i = 0; i < 6; i++) files.push([`mutant-${i}.json`, mutate(real, random)]);
  files.push(
    ['empty.json', ''],
    ['not-json.json', 'hello trace\n'],
    [
      'string-times.json',
      JSON.stringify({ traceEvents: [{ ph: 'X', name: 'a', ts: '12', dur: 'x', pid: 1, tid: 1 }] }),
    ],
    ['unknown-ph.json', JSON.stringify([{ ph: 'Q', name: 'a', ts: 1, pid: 1, tid: 1 }])],
    ['huge-numbers.json', JSON.stringify([{ ph: 'X', name: 'a', ts: 1e308, dur: 1e308, pid: 1, tid: 1 }])],
    ['deep.json', `{"traceEvents":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`],
    ['utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[{"ph":"X"}]', 'utf16le')])],
    ['not-gzip.json.gz', 'plain text, not gzip'],
    ['cut.json.gz', gzipSync(Buffer.from(real)).subarray(0, 500)],
    ['whitespace-bomb.json.gz', gzipSync(Buffer.alloc(256 * 1024 * 1024, 0x20), { level: 9 })],
    ['big-string.json', `{"traceEvents":[],"systemTraceEvents":"${'x'.repeat(96 * 1024 * 1024)}"}`],
  );
  const inputs: CliInput[] = [];
  for (const [name, content] of files) {
    writeFileSync(join(dir, name), content);
    inputs.push({ name, args: ['analyze', join(dir, name), '--format', 'json'] });
  }
  const fifo = join(dir, 'fifo.json');
  execFileSync('mkfifo', [fifo]);
  inputs.push({ name: 'a FIFO', args: ['analyze', fifo] });
  inputs.push({ name: '/dev/zero', args: ['analyze', '/dev/zero'] });
  return inputs;
}

/** Broken copies of a real run folder (`source`): records cut, missing, lying, and files grown large. */
export function runFolderCorpus(dir: string, source: string, outDir: string): CliInput[] {
  const variants: Array<[string, (run: string) => void]> = [
    ['intact', () => undefined],
    [
      'run.json cut short',
      (run) => writeFileSync(join(run, 'run.json'), readFileSync(join(run, 'run.json'), 'utf8').slice(0, 80)),
    ],
    ['run.json missing', (run) => rmSync(join(run, 'run.json'))],
    ['run.json not an object', (run) => writeFileSync(join(run, 'run.json'), '[1,2,3]')],
    [
      'a dead writer still "running"',
      (run) => {
        const record = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as Record<string, unknown>;
        writeFileSync(
          join(run, 'run.json'),
          JSON.stringify({ ...record, status: 'running', enginePid: 2 ** 22 + 7, finishedAt: undefined }),
        );
      },
    ],
    [
      'trace.json cut short',
      (run) => writeFileSync(join(run, 'trace.json'), readFileSync(join(run, 'trace.json'), 'utf8').slice(0, 300)),
    ],
    ['trace.json missing', (run) => rmSync(join(run, 'trace.json'))],
    [
      'memory.jsonl of 150k rows',
      (run) => {
        const rows = Array.from({ length: 150_000 }, (_, i) =>
          JSON.stringify({
            step: i,
            tMs: i * 500,
            tensors: 10,
            tensorBytes: 1000 + (i % 97),
            rssBytes: 1e8 + i,
            heapUsedBytes: 1e7,
          }),
        );
        writeFileSync(join(run, 'memory.jsonl'), `${rows.join('\n')}\n`);
      },
    ],
    [
      'memory.jsonl with NaN and garbage',
      (run) =>
        writeFileSync(
          join(run, 'memory.jsonl'),
          '{"tMs":"NaN","tensorBytes":1e999}\nnot json\n{"tMs":1,"tensorBytes":-5}\n',
        ),
    ],
    [
      'metrics.jsonl garbage',
      (run) => writeFileSync(join(run, 'metrics.jsonl'), '\u0000\u0001 garbage\n{"step":"x"}\n'),
    ],
  ];
  const inputs: CliInput[] = [];
  variants.forEach(([name, breakIt], i) => {
    const run = join(dir, `run-${i}`);
    cpSync(source, run, { recursive: true });
    breakIt(run);
    inputs.push({ name: `${name}: analyze`, args: ['analyze', run] });
    inputs.push({ name: `${name}: analyze --format json`, args: ['analyze', run, '--format', 'json'] });
    inputs.push({ name: `${name}: report --html`, args: ['report', run, '--html', join(outDir, `report-${i}.html`)] });
  });
  return inputs;
}
