/**
 * Benchmark: diagnostics for a 5,000-line training config, TrainLens's validator against yaml-language-server
 * (the npm package behind Red Hat's YAML extension) validating the same document against the same schema, side by
 * side in one process. Prints medians and their ratio.   npm run bench:validate
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from 'yaml-language-server/lib/umd/languageservice/yamlLanguageService';
import { validateConfigText } from '../src/config/validate';

const ROOT = join(__dirname, '..');
const SCHEMA_URI = 'https://trainlens.dev/schemas/trainlens.schema.json';
const LINES_TARGET = 5000;
const WARMUP = 20;
const RUNS = 60;

/** A valid config of about 5,000 lines: an explicit model with many layers (5 lines each) plus the usual sections. */
export function bigConfig(lines = LINES_TARGET): string {
  const head = readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8')
    .replace(/model:\n( {2}.*\n)+/, '')
    .replace('version: 1\n', 'version: 1\n\nmodel:\n  input_shape: [64]\n  layers:\n');
  const layer = (i: number) =>
    `    - type: dense\n      units: ${32 + (i % 8) * 16}\n      activation: ${['relu', 'gelu', 'tanh'][i % 3]}\n    # block ${i}\n    - type: dropout\n      rate: 0.1\n`;
  let body = '';
  let i = 0;
  while ((head + body).split('\n').length < lines) body += layer(i++);
  return head.replace('  layers:\n', `  layers:\n${body}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const text = bigConfig();
  const lineCount = text.split('\n').length;
  const ours = validateConfigText(text);
  const errors = ours.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`the benchmark config must be valid: ${errors[0]!.message}`);

  // yaml-language-server with the same schema; it is told the schema directly (no network).
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'trainlens.schema.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const yls = getLanguageService({
    // The config's modeline names the schema by a relative path; every name of it is served the same schema.
    schemaRequestService: (uri: string) =>
      uri.endsWith('trainlens.schema.json')
        ? Promise.resolve(JSON.stringify(schema))
        : Promise.reject(new Error(`no ${uri}`)),
    workspaceContext: {
      resolveRelativePath: (relative: string, resource: string) => new URL(relative, resource).toString(),
    },
  });
  yls.configure({
    validate: true,
    schemas: [{ uri: SCHEMA_URI, fileMatch: ['*.trainlens.yaml'] }],
    yamlVersion: '1.2',
  });
  let version = 0;
  const ylsValidate = async (content = text) => {
    // A new document version each run, as in an editor after a keystroke (no cached parse).
    const doc = TextDocument.create('file:///bench/examples/big.trainlens.yaml', 'yaml', ++version, content);
    return yls.doValidation(doc, false);
  };
  const theirs = await ylsValidate();
  // Both validators must really check the schema: a wrong enum value has to be reported by each.
  const broken = text.replace('activation: relu', 'activation: rleu');
  const ylsBroken = await ylsValidate(broken);
  const oursBroken = validateConfigText(broken).diagnostics.filter((d) => d.code === 'schema/enum');
  if (theirs.length > 0 || ylsBroken.length === 0 || oursBroken.length === 0) {
    throw new Error(
      `validators disagree on the benchmark config: ${JSON.stringify({ theirs, ylsBroken: ylsBroken.length, oursBroken: oursBroken.length })}`,
    );
  }
  if (process.env['BENCH_VERBOSE']) process.stdout.write(`${JSON.stringify(theirs)}\n`);

  const timeOurs: number[] = [];
  const timeTheirs: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    validateConfigText(text);
    await ylsValidate();
  }
  // Interleaved so that machine noise hits both alike.
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    validateConfigText(text);
    timeOurs.push(performance.now() - t);
    t = performance.now();
    await ylsValidate();
    timeTheirs.push(performance.now() - t);
  }
  const a = median(timeOurs);
  const b = median(timeTheirs);
  process.stdout.write(
    [
      `config: ${lineCount} lines; diagnostics: TrainLens ${ours.diagnostics.length} (0 errors), yaml-language-server ${theirs.length}`,
      `TrainLens validateConfigText: median ${a.toFixed(2)} ms over ${RUNS} runs (target ≤ 30 ms: ${a <= 30 ? 'met' : 'NOT met'})`,
      `yaml-language-server doValidation: median ${b.toFixed(2)} ms over ${RUNS} runs`,
      `ratio yaml-language-server / TrainLens: ${(b / a).toFixed(1)}× (target ≥ 3×: ${b / a >= 3 ? 'met' : 'NOT met'})`,
    ].join('\n') + '\n',
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
