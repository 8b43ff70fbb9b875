// Seeded differential fuzz of the fast config reader: thousands of small edits of every example config and YAML
// fixture, and of generated config-like documents, each read by the fast path and by the `yaml` path, which must agree
// on the data, every diagnostic and every node range (or the fast path must decline). A failure prints the seed, the
// operators and a minimal input; `mutant(text, seed)` in fastYaml.mutate.ts rebuilds the full mutant.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fastParse } from './fastYaml';
import { disagreement, shrink } from './fastYaml.compare';
import { int, mutant, prng, randomDocument } from './fastYaml.mutate';

const ROOT = join(__dirname, '..', '..');
/** Set FASTYAML_FUZZ_SEED to explore other mutants, FASTYAML_FUZZ_SCALE to run more (or fewer) of them. */
const SEED = Number(process.env['FASTYAML_FUZZ_SEED'] ?? 20240611);
const SCALE = Number(process.env['FASTYAML_FUZZ_SCALE'] ?? 1);
const MUTANTS_PER_FILE = Math.round(400 * SCALE);
const GENERATED = Math.round(1500 * SCALE);

/** Every YAML file under a folder (recursively), except vendored suites, which have their own test. */
function yamlFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .filter((path) => !path.includes('node_modules') && !path.includes('yaml-test-suite'))
    .sort();
}

interface Tally {
  inputs: number;
  fast: number;
  failures: string[];
}

/** Checks one input; records a disagreement with what reproduces it (shrunk), at most ten per run. */
function check(tally: Tally, text: string, label: string): void {
  tally.inputs++;
  if (fastParse(text)) tally.fast++;
  const problem = disagreement(text);
  if (!problem || tally.failures.length >= 10) return;
  const minimal = shrink(text);
  tally.failures.push(`${label}: ${disagreement(minimal) ?? problem}\n  minimal input: ${JSON.stringify(minimal)}`);
}

function report(tally: Tally, what: string): void {
  process.stdout.write(`# fuzz ${what}: ${tally.inputs} inputs, ${tally.fast} read by the fast path\n`);
  const message = `${tally.failures.length} disagreements in ${tally.inputs} inputs:\n${tally.failures.join('\n')}`;
  assert.equal(tally.failures.length, 0, message);
}

test('fast reader fuzz: mutants of every example config and YAML fixture agree with the yaml path', () => {
  const files = [...yamlFiles('examples'), ...yamlFiles('test'), ...yamlFiles('src')];
  assert.ok(files.filter((file) => file.startsWith('examples/')).length >= 5, `examples missing: ${files.join(', ')}`);
  const random = prng(SEED);
  const tally: Tally = { inputs: 0, fast: 0, failures: [] };
  for (const file of files) {
    const original = readFileSync(join(ROOT, file), 'utf8');
    for (let n = 0; n < MUTANTS_PER_FILE; n++) {
      const seed = int(random, 2 ** 31);
      const { text, operators } = mutant(original, seed);
      check(tally, text, `${file} seed ${seed} (${operators.join(', ')})`);
    }
  }
  report(tally, 'of files');
  assert.ok(tally.inputs >= 5000 || SCALE < 1, `only ${tally.inputs} mutants`);
});

test('fast reader fuzz: generated documents (nested blocks, comments, blank lines) and their mutants agree', () => {
  const random = prng(SEED + 1);
  const tally: Tally = { inputs: 0, fast: 0, failures: [] };
  for (let n = 0; n < GENERATED; n++) {
    const seed = int(random, 2 ** 31);
    const original = randomDocument(prng(seed));
    check(tally, original, `randomDocument(prng(${seed}))`);
    const { text, operators } = mutant(original, seed);
    check(tally, text, `randomDocument(prng(${seed})) mutant seed ${seed} (${operators.join(', ')})`);
  }
  report(tally, 'of generated documents');
});
