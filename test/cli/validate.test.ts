import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, trainlens } from '../support/cli';

const BROKEN = join(ROOT, 'test', 'fixtures', 'configs', 'broken');

interface JsonReport {
  files: Array<{
    file: string;
    diagnostics: Array<{
      severity: string;
      code: string;
      message: string;
      path: string;
      range: { start: { line: number; column: number }; end: { line: number; column: number } };
    }>;
  }>;
}

test('the examples validate clean: exit 0', () => {
  const examples = readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('examples', f));
  const { code, stdout } = trainlens('validate', ...examples);
  assert.equal(code, 0, stdout);
  assert.match(stdout, new RegExp(`${examples.length} files? checked: 0 errors, 0 warnings\\.`));
});

test('every broken config reports each expected problem at its line:column, with codes; exit 1', () => {
  const files = readdirSync(BROKEN).map((f) => join(BROKEN, f));
  const { code, stdout } = trainlens('validate', '--format', 'json', ...files);
  assert.equal(code, 1);
  const report = JSON.parse(stdout) as JsonReport;
  assert.equal(report.files.length, files.length);
  for (const file of report.files) {
    const expected = [...readFileSync(file.file, 'utf8').matchAll(/^# expect: (\S+) (\d+):(\d+)$/gm)].map(
      (m) => `${m[1]} ${m[2]}:${m[3]}`,
    );
    const actual = file.diagnostics
      .filter((d) => d.severity !== 'info')
      .map((d) => `${d.code} ${d.range.start.line}:${d.range.start.column}`);
    assert.deepEqual(actual.sort(), expected.sort(), file.file);
    for (const d of file.diagnostics) {
      assert.deepEqual(Object.keys(d).sort(), ['code', 'message', 'path', 'range', 'severity']);
      assert.ok(d.range.end.line >= d.range.start.line);
    }
  }
});

test('text output is FILE:LINE:COL: severity code: message, with "did you mean"', () => {
  const { code, stdout } = trainlens('validate', join(BROKEN, 'typos.yaml'));
  assert.equal(code, 1);
  assert.match(stdout, /typos\.yaml:7:11: error schema\/enum: model\.preset must be one of .* Did you mean "mlp"\?/);
  assert.match(
    stdout,
    /typos\.yaml:10:3: error schema\/unknown-key: Unknown key "hiden" in model\. Did you mean "hidden"\?/,
  );
  assert.match(stdout, /1 file checked: 4 errors, 0 warnings\./);
});

test('warnings alone exit 0', () => {
  const { code, stdout } = trainlens('validate', join(ROOT, 'test', 'fixtures', 'configs', 'warnings-only.yaml'));
  assert.equal(code, 0, stdout);
  assert.match(stdout, /warning semantic\/level-contradiction/);
});

test('an unreadable file exits 2 naming the file and the fix; a bad --format exits 2', () => {
  const missing = trainlens('validate', 'nope/missing.yaml');
  assert.equal(missing.code, 2);
  assert.match(
    missing.stderr,
    /^trainlens: nope\/missing\.yaml: cannot read the config: the file does not exist\. Pass the path/,
  );
  const folder = trainlens('validate', 'examples');
  assert.equal(folder.code, 2);
  assert.match(folder.stderr, /it is a folder/);
  const format = trainlens('validate', '--format', 'xml', 'examples/quickstart.yaml');
  assert.equal(format.code, 2);
  assert.match(format.stderr, /unknown --format "xml"\. Use --format text or --format json\./);
});
