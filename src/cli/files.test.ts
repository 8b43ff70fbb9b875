import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CliError, ExitCode, formatCliError } from './errors';
import { checkConfigReadable, checkOutputPath, replaceFile, writeOutputFile } from './files';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-cli-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The error `run` throws, formatted as the terminal shows it. */
function failure(run: () => unknown): { exitCode: number; text: string } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof CliError, String(error));
    return { exitCode: error.exitCode, text: formatCliError(error) };
  }
  assert.fail('expected a CliError');
}

test('a config that cannot be read is a usage error (exit 2) naming the file, as validate says it', () => {
  const config = join(dir, 'train.yaml');
  writeFileSync(config, 'version: 1\n');
  assert.equal(checkConfigReadable(config), config);
  assert.deepEqual(
    failure(() => checkConfigReadable('nope/missing.yaml')),
    {
      exitCode: ExitCode.usage,
      text: 'trainlens: nope/missing.yaml: cannot read the config: the file does not exist. Pass the path of a training YAML file.\n',
    },
  );
  assert.match(failure(() => checkConfigReadable(dir)).text, /: cannot read the config: it is a folder\./);
  assert.match(failure(() => checkConfigReadable(join(config, 'x.yaml'))).text, /a part of its path is a file/);
});

test('an output that cannot be written names the path and the cause (exit 2), never "internal error"', () => {
  const missing = join(dir, 'no-such-folder', 'report.txt');
  assert.deepEqual(
    failure(() => writeOutputFile(missing, 'x', 'the report')),
    {
      exitCode: ExitCode.usage,
      text: `trainlens: ${missing}: cannot write the report: the folder ${join(dir, 'no-such-folder')} does not exist. Create it first, or choose another path.\n`,
    },
  );
  assert.match(
    failure(() => writeOutputFile(dir, 'x', 'the report')).text,
    /cannot write the report: it is a folder\./,
  );
  const file = join(dir, 'file');
  writeFileSync(file, '');
  assert.match(
    failure(() => writeOutputFile(join(file, 'report.txt'), 'x', 'the report')).text,
    /cannot write the report: a part of .*file is a file, not a folder\./,
  );
  writeOutputFile(join(dir, 'ok.txt'), 'written', 'the report');
  assert.equal(readFileSync(join(dir, 'ok.txt'), 'utf8'), 'written');
});

test('replacing a file goes through a temporary file; a failure names the file and leaves no temporary file', () => {
  const config = join(dir, 'tune.yaml');
  writeFileSync(config, 'old\n');
  replaceFile(config, 'new\n', 'the config');
  assert.equal(readFileSync(config, 'utf8'), 'new\n');
  // A folder where the file should be: the rename fails, the folder is left as it was, and nothing else is left.
  const folder = join(dir, 'folder.yaml');
  mkdirSync(join(folder, 'inside'), { recursive: true });
  const error = failure(() => replaceFile(folder, 'new\n', 'the best settings into the config'));
  assert.equal(error.exitCode, ExitCode.usage);
  assert.match(error.text, /^trainlens: .*folder\.yaml: cannot write the best settings into the config: /);
  assert.deepEqual(
    readdirSync(dir).filter((name) => name.includes('.tmp-')),
    [],
  );
});

test('an output path is checked before the work that produces it', () => {
  checkOutputPath(join(dir, 'new-report.txt'), 'the report');
  assert.match(
    failure(() => checkOutputPath(join(dir, 'no-such-folder', 'r.txt'), 'the report')).text,
    /cannot write the report: the folder .*no-such-folder does not exist\. Create it first/,
  );
  assert.match(failure(() => checkOutputPath(dir, 'the report')).text, /cannot write the report: it is a folder\./);
});
