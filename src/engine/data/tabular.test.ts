import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readTabular, standardize } from './tabular';

const dir = mkdtempSync(join(tmpdir(), 'trainlens-tabular-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const spec = (path: string, extra: object = {}) => ({
  path,
  format: 'csv' as const,
  labelColumn: 'label',
  task: 'classification' as const,
  outputs: 3,
  ...extra,
});

test('reads features and one-hot labels from a CSV, with string classes in sorted order', async () => {
  const data = await readTabular(spec(file('ok.csv', 'x1,x2,label\n1,2,cat\n3,4,dog\n5,6,cat\n')));
  assert.equal(data.size, 3);
  assert.deepEqual(Array.from(data.features), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(data.classes, ['cat', 'dog']);
  assert.deepEqual(Array.from(data.targets), [1, 0, 0, 0, 1, 0, 1, 0, 0]);
  standardize(data);
  assert.deepEqual(
    Array.from(data.features).map((v) => Math.round(v * 1000) / 1000),
    [-1.225, -1.225, 0, 0, 1.225, 1.225],
  );
});

test('JSON Lines with numeric labels and chosen features', async () => {
  const data = await readTabular({
    ...spec(file('ok.jsonl', '{"a":1,"b":9,"y":2}\n\n{"a":2,"b":8,"y":0}\n')),
    format: 'jsonl',
    labelColumn: 'y',
    featureColumns: ['a'],
  });
  assert.deepEqual(Array.from(data.features), [1, 2]);
  assert.deepEqual(Array.from(data.targets), [0, 0, 1, 1, 0, 0]);
});

test('bad data is reported with the file and line', async () => {
  const cases: Array<[string, string, RegExp, object?]> = [
    ['ragged.csv', 'x1,x2,label\n1,2,a\n3,b\n', /ragged\.csv:3: this row has a different number of cells/],
    ['text.csv', 'x1,x2,label\n1,2,a\n3,oops,b\n', /text\.csv:3: column "x2" holds "oops", not a number/],
    [
      'nolabel.csv',
      'x1,x2,lable\n1,2,a\n',
      /nolabel\.csv:2: data\.label_column "label" is not a column .* Did you mean "lable"\?/,
    ],
    [
      'classes.csv',
      'x,label\n1,0\n2,5\n',
      /classes\.csv: the labels have 6 classes but model\.outputs is 3; set model\.outputs: 6/,
    ],
    ['bad.jsonl', '{"x":1,"label":0}\n{"x":2,\n', /bad\.jsonl:2: not a JSON object/, { format: 'jsonl' }],
  ];
  for (const [name, text, pattern, extra] of cases) {
    await assert.rejects(readTabular(spec(file(name, text), extra)), pattern, name);
  }
  await assert.rejects(readTabular(spec(join(dir, 'missing.csv'))), /missing\.csv: the data file does not exist/);
});

test('200k rows with numeric labels: the class count is found without spreading the labels into a call', async () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => `${i % 7},${i % 3}`);
  const data = await readTabular(spec(file('big.csv', `x1,label\n${rows.join('\n')}\n`)));
  assert.equal(data.size, 200_000);
  assert.equal(data.targets.length, 200_000 * 3);
});

test('messages quote at most a short excerpt of the data file, and only when it looks like the format', async () => {
  const secret = 'root:x:0:0:root:/root:/bin/bash-and-a-long-tail-of-private-text-after-sixty-characters';
  const passwd = file('passwd', `${secret}\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n`);
  const refusals = [
    () => readTabular(spec(passwd)),
    () => readTabular(spec(passwd, { format: 'jsonl' })),
    () => readTabular(spec(file('wide.csv', `${'a'.repeat(100)},${secret}\n1,2\n`))),
    () => readTabular(spec(file('cell.csv', `x,label\n${secret.replace(/,/g, ';')},1\n`))),
  ];
  const messages: string[] = [];
  for (const refusal of refusals) await refusal().catch((error: Error) => messages.push(error.message));
  assert.equal(messages.length, 4);
  // Before: "data.label_column "label" is not a column (columns: root:x:0:0:root:/root:/bin/bash…)".
  assert.match(
    messages[0]!,
    /not a column \(its first line has no "," between column names, so it is not a CSV header/,
  );
  assert.match(messages[1]!, /passwd:1: not a JSON object: Unexpected token 'r'; is data.path a JSON Lines file/);
  assert.match(messages[2]!, /not a column \(columns: "a{60}"…\)/);
  assert.match(
    messages[3]!,
    /cell\.csv:2: column "x" holds "root:x:0:0:root:\/root:\/bin\/bash-and-a-long-tail-of-private-t"…, not a number/,
  );
  for (const message of messages) assert.doesNotMatch(message, /bin\/bash-and-a-long-tail-of-private-text/);
});

test('data.path must be a regular file, and a row is never held past its limit', { timeout: 30_000 }, async () => {
  const fifo = join(dir, 'data.fifo');
  execFileSync('mkfifo', [fifo]);
  // Before: the read stream opened the FIFO and waited for a writer forever.
  await assert.rejects(
    readTabular(spec(fifo)),
    /data\.fifo: it is a named pipe \(FIFO\), not a file TrainLens can read/,
  );
  await assert.rejects(readTabular(spec('/dev/zero')), /\/dev\/zero: it is a device/);
  // 20 MB without a line break: readline would hold it all as one line.
  const noBreaks = file('binary.jsonl', 'x'.repeat(20 * 1024 * 1024));
  await assert.rejects(
    readTabular(spec(noBreaks, { format: 'jsonl' })),
    /binary\.jsonl:1: the line is longer than 8388608 characters: is data.path a JSON Lines file\?/,
  );
  await assert.rejects(
    readTabular(spec(file('binary.csv', `a,label\n${'x'.repeat(10 * 1024 * 1024)}`))),
    /a row is longer than 8388608 characters/,
  );
  const crlf = await readTabular({
    ...spec(file('crlf.jsonl', '{"x":1,"label":0}\r\n{"x":2,"label":1}\r\n')),
    format: 'jsonl',
  });
  assert.equal(crlf.size, 2);
});
