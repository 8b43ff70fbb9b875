import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { validateConfigText } from '../../src/config/validate';
import { parseWebviewMessage } from '../../src/extension/panels/webviewMessages';
import { configCorpus, exampleConfigs, mutate, prng, runFolderCorpus, traceCorpus, type CliInput } from './corpora';
import { onnxCorpus } from './onnxCorpus';
import { BIN, changed, count, formatTable, ROOT, row, runCli, snapshot, type CorpusRow } from './harness';

// The robustness suite (issue 13): builds its corpora, runs every input through the real CLI with a time and a
// memory limit (or in process, for the fast paths), and prints one table. Every column but "ok" and "clean errors"
// must be 0: no crash, no hang, no memory over the limit, no file changed outside what the command was told to
// write, no input file changed or lost.
const SEED = 20261201;
const work = mkdtempSync(join(tmpdir(), 'trainlens-robust-'));
after(() => rmSync(work, { recursive: true, force: true }));
const inputs = join(work, 'inputs');
const outputs = join(work, 'outputs');
const user = join(work, 'user');
mkdirSync(outputs, { recursive: true });
mkdirSync(join(user, 'step-00000001'), { recursive: true });
writeFileSync(join(user, 'notes.txt'), 'a file of the user that nothing may touch\n');
writeFileSync(join(user, 'step-00000001', 'weights.bin'), "the user's own folder named like a checkpoint\n");
const rows: CorpusRow[] = [];

/** Runs a corpus of CLI inputs, counting outcomes and what each changed outside `outputs`. */
async function runCorpus(name: string, corpus: readonly CliInput[]): Promise<void> {
  const target = row(name);
  for (const input of corpus) {
    const inputsBefore = snapshot(inputs);
    const outsideBefore = [snapshot(user), snapshot(join(ROOT, 'examples'))];
    const { outcome, detail } = await runCli(input.args);
    count(target, input.name, outcome, detail);
    const lost = changed(inputsBefore, snapshot(inputs));
    const outside = [
      ...changed(outsideBefore[0]!, snapshot(user)),
      ...changed(outsideBefore[1]!, snapshot(join(ROOT, 'examples'))),
    ];
    if (lost.length) {
      target.dataLost++;
      target.problems.push(`${input.name}: changed inputs ${lost.join(', ')}`);
    }
    if (outside.length) {
      target.changedOutside++;
      target.problems.push(`${input.name}: changed outside ${outside.join(', ')}`);
    }
  }
  rows.push(target);
}

test(
  'robustness: hostile and large inputs give clean errors, never crashes, hangs, escapes or lost data',
  { timeout: 1_200_000 },
  async () => {
    // A real, profiled run to break in many ways.
    const made = spawnSync(
      process.execPath,
      [
        BIN,
        'run',
        join(ROOT, 'examples', 'quickstart.yaml'),
        '--steps',
        '30',
        '--backend',
        'cpu',
        '--out',
        join(work, 'source'),
        '--json',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, made.stderr);
    const source = join(work, 'source', readdirSync(join(work, 'source'))[0]!);

    await runCorpus('configs (validate)', configCorpus(join(inputs, 'configs'), 40, SEED));
    await runCorpus('traces (analyze)', traceCorpus(join(inputs, 'traces'), SEED + 1));
    await runCorpus('run folders (analyze, report)', runFolderCorpus(join(inputs, 'runs'), source, outputs));
    await runCorpus('ONNX models (onnx)', onnxCorpus(join(inputs, 'onnx'), outputs, SEED + 2));

    // In process: thousands of config mutations through the validator, each within its time limit.
    const yaml = row('configs (in process)');
    const random = prng(SEED + 2);
    const examples = exampleConfigs();
    for (let i = 0; i < 2000; i++) {
      const text = mutate(examples[i % examples.length]!.text, random);
      const started = performance.now();
      try {
        const result = validateConfigText(text, {
          configPath: join(inputs, 'x.trainlens.yaml'),
          fileExists: () => true,
        });
        const ms = performance.now() - started;
        const errors = result.diagnostics.some((d) => d.severity === 'error');
        count(yaml, `mutant ${i}`, ms > 2000 ? 'hang' : errors ? 'clean-error' : 'ok', `${ms.toFixed(0)} ms`);
      } catch (error) {
        count(yaml, `mutant ${i}`, 'crash', (error as Error).stack ?? String(error));
      }
    }
    rows.push(yaml);

    // In process: webview messages are untrusted input; the validator must reject, never throw.
    const messages = row('webview messages');
    const pick = prng(SEED + 3);
    const values = [null, 0, -1, 'ready', true, [], {}, { type: 'ready' }, { type: 'finding/apply' }, '__proto__'];
    for (let i = 0; i < 5000; i++) {
      const value =
        pick() < 0.5
          ? values[Math.floor(pick() * values.length)]
          : {
              type: ['ready', 'finding/apply', 'run/stop', 'tune/apply', 'x'][Math.floor(pick() * 5)],
              findingId: pick() < 0.5 ? 'input-bound' : { toString: 1 },
              rerun: pick() < 0.5,
              ...(pick() < 0.2 ? { extra: 1 } : {}),
            };
      try {
        count(messages, `message ${i}`, parseWebviewMessage(value) ? 'ok' : 'clean-error', '');
      } catch (error) {
        count(messages, `message ${i}`, 'crash', String(error));
      }
    }
    rows.push(messages);

    const table = formatTable(rows);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(join(ROOT, 'test-results', 'robustness.md'), `${table}\n`);
    process.stdout.write(`\n${table}\n\n`);
    const problems = rows.flatMap((r) => r.problems.map((p) => `${r.corpus}: ${p}`));
    assert.deepEqual(problems, [], `\n${table}\n${problems.join('\n')}`);
  },
);
