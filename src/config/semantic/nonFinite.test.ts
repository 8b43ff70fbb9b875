import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateConfigText } from '../validate';

const QUICKSTART = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'quickstart.yaml'), 'utf8');

for (const parser of ['auto', 'yaml'] as const) {
  test(`.inf, -.inf and .nan are named for what they are, never "null" (${parser} parser)`, () => {
    for (const written of ['.inf', '-.inf', '.nan', '.NaN', '+.Inf']) {
      const text = QUICKSTART.replace('learning_rate: 0.001', `learning_rate: ${written}`);
      const { diagnostics, config } = validateConfigText(text, {}, { parser });
      assert.equal(config, undefined, 'a config with a non-finite number is not valid');
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
      const [d] = diagnostics;
      assert.equal(d!.code, 'schema/not-finite');
      assert.equal(d!.path, 'training.optimizer.learning_rate');
      assert.equal(
        d!.message,
        `training.optimizer.learning_rate: \`${written}\` is not a finite number: write a number such as 0.001.`,
      );
      assert.doesNotMatch(d!.message, /null/);
      // On the value itself, and the quick fix writes the example.
      assert.equal(text.slice(d!.range.start.offset, d!.range.end.offset), written);
      const edit = d!.fixes![0]!.edits[0]!;
      const fixed = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
      const after = validateConfigText(fixed, {}, { parser });
      assert.ok(after.config, JSON.stringify(after.diagnostics.filter((x) => x.severity === 'error')));
    }
  });
}

test('every non-finite number is reported, in lists and nested mappings, with a number its schema allows', () => {
  const text = [
    'version: 1',
    'model: { preset: mlp, input_shape: [.inf], outputs: 2 }',
    'data: { source: synthetic, batch_size: .nan }',
    'training: { epochs: -.inf, optimizer: { name: adam, epsilon: .nan }, loss: mse }',
    '',
  ].join('\n');
  const { diagnostics } = validateConfigText(text);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.path, d.message.replace(/^.*such as /, '')]),
    [
      ['schema/not-finite', 'model.input_shape[0]', '1.'],
      ['schema/not-finite', 'data.batch_size', '32.'],
      ['schema/not-finite', 'training.epochs', '1.'],
      ['schema/not-finite', 'training.optimizer.epsilon', '1e-7.'],
    ],
  );
});

test('other schema errors beside a non-finite number are still reported', () => {
  const text = QUICKSTART.replace('learning_rate: 0.001', 'learning_rate: .inf').replace('name: adam', 'name: adma');
  const codes = validateConfigText(text).diagnostics.map((d) => d.code);
  assert.deepEqual(codes, ['schema/enum', 'schema/not-finite']);
});
