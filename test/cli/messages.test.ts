/**
 * The CLI contract's messages (issue 13, "Messages"): exit codes as the contract says, the file and the cause in
 * every error, the cause of every failed run on the terminal, and nothing of TF.js's own chatter.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT, trainlens } from '../support/cli';

const out = mkdtempSync(join(tmpdir(), 'trainlens-cli-messages-'));
after(() => rmSync(out, { recursive: true, force: true }));
const QUICKSTART = readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8');
const TRACE = join(ROOT, 'test', 'fixtures', 'traces', 'ort_mnist_2019.json');

/** The quickstart with `edit` applied, written into this test's folder. */
function quickstart(name: string, edit: (text: string) => string): string {
  const file = join(out, `${name}.trainlens.yaml`);
  writeFileSync(file, edit(QUICKSTART));
  return file;
}

test('run, profile and tune on a missing config exit 2 naming the file, as validate does', () => {
  for (const command of ['validate', 'run', 'profile', 'tune']) {
    const { code, stdout, stderr } = trainlens(command, 'nope/missing.yaml');
    assert.equal(code, 2, `${command}: ${stderr}`);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      'trainlens: nope/missing.yaml: cannot read the config: the file does not exist. Pass the path of a training YAML file.\n',
      command,
    );
  }
  const folder = trainlens('run', 'examples');
  assert.equal(folder.code, 2);
  assert.match(folder.stderr, /^trainlens: examples: cannot read the config: it is a folder\./);
});

test('an output that cannot be written gives the path and the cause, exit 2, never "internal error"', () => {
  const missing = join(out, 'no-such-folder', 'report.txt');
  for (const args of [
    ['analyze', TRACE, '--out', missing],
    ['analyze', TRACE, '--format', 'json', '--out', missing],
    ['analyze', TRACE, '--format', 'html', '--out', missing],
    ['report', TRACE, '--html', missing],
  ]) {
    const { code, stderr } = trainlens(...args);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.equal(
      stderr,
      `trainlens: ${missing}: cannot write the report: the folder ${join(out, 'no-such-folder')} does not exist. Create it first, or choose another path.\n`,
      args.join(' '),
    );
  }
  const folder = trainlens('analyze', TRACE, '--out', out);
  assert.equal(folder.code, 2);
  assert.equal(
    folder.stderr,
    `trainlens: ${out}: cannot write the report: it is a folder. Give a file name inside it.\n`,
  );
  const profiled = trainlens(
    'profile',
    quickstart('profile-out', (t) => t),
    '--steps',
    '30',
    '--out',
    missing,
  );
  assert.equal(profiled.code, 2, profiled.stderr);
  assert.match(profiled.stderr, /cannot write the report: the folder .*no-such-folder does not exist\./);
  assert.doesNotMatch(profiled.stderr, /internal error/);
});

test('a run the NaN guard stops prints its cause (kind, step), not only "Run failed"', () => {
  // Plain SGD at learning rate 10 overflows within a few steps; the guard checks the loss at every step.
  const config = quickstart('nan', (t) =>
    t
      .replace('name: adam', 'name: sgd')
      .replace('learning_rate: 0.001', 'learning_rate: 10')
      .replace('log_every: 20', 'log_every: 1'),
  );
  const runs = join(out, 'nan-runs');
  const text = trainlens('run', config, '--steps', '100', '--out', runs);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /^Run failed: \d+ steps/);
  assert.match(
    text.stderr,
    /^trainlens: .*nan\.trainlens\.yaml: the run failed \(kind nan, step \d+\): the loss became (NaN|-?Infinity) at step \d+ \(optimization\.nan_guard: stop\)\. Lower training\.optimizer\.learning_rate/m,
  );
  // --json keeps stdout one JSON document; the cause goes to stderr.
  const json = trainlens('run', config, '--steps', '100', '--out', runs, '--json');
  assert.equal(json.code, 1);
  assert.equal((JSON.parse(json.stdout) as { status: string }).status, 'failed');
  assert.match(json.stderr, /the run failed \(kind nan, step \d+\)/);
  const profiled = trainlens('profile', config, '--steps', '100');
  assert.equal(profiled.code, 1);
  assert.match(profiled.stderr, /the run failed \(kind nan, step \d+\)/);
});

test('.inf and .nan config values are named as not finite, never "not null"', () => {
  for (const written of ['.inf', '.nan']) {
    const config = quickstart(`value-${written.slice(1)}`, (t) =>
      t.replace('learning_rate: 0.001', `learning_rate: ${written}`),
    );
    const { code, stdout } = trainlens('validate', config);
    assert.equal(code, 1);
    assert.match(
      stdout,
      new RegExp(
        `:26:20: error schema/not-finite: training\\.optimizer\\.learning_rate: \`\\${written}\` is not a finite number: write a number such as 0\\.001\\.`,
      ),
    );
    assert.doesNotMatch(stdout, /null/);
  }
});

test("no run prints TF.js's Node.js banner", () => {
  for (const backend of ['auto', 'cpu']) {
    const { code, stdout, stderr } = trainlens(
      'run',
      'examples/quickstart.yaml',
      '--steps',
      '5',
      '--backend',
      backend,
      '--out',
      join(out, 'banner-runs'),
    );
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stdout + stderr, /Hi, looks like/, backend);
    assert.doesNotMatch(stderr, /^error: /m, backend);
  }
});

test('a profile too short for its profiling window says so and how to fix it, never "internal error"', () => {
  const config = quickstart('short', (text) => text.replace('backend: auto', 'backend: cpu'));
  const { code, stderr } = trainlens('profile', config, '--steps', '3');
  assert.equal(code, 1, stderr);
  assert.doesNotMatch(stderr, /internal error/);
  assert.match(stderr, /the run finished, but its profile cannot be analysed: .*no profiled steps/);
  assert.match(stderr, /monitoring\.profiling\.warmup_steps/);
});
