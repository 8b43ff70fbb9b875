import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadProfile } from './analyze';
import { diffProfiles } from './diff';

const TRACES = join(__dirname, '..', '..', 'test', 'fixtures', 'traces');

test('the HTA compare pair: step, categories and operators before → after', async () => {
  const before = await loadProfile(join(TRACES, 'hta_compare_base.json.gz'));
  const after = await loadProfile(join(TRACES, 'hta_compare_test.json.gz'));
  const diff = diffProfiles(before, after);
  assert.ok(diff.steps.beforeUs > 0 && diff.steps.afterUs > 0);
  assert.equal(diff.steps.ratio, diff.steps.afterUs / diff.steps.beforeUs);
  assert.deepEqual(
    diff.breakdown.map((b) => b.category),
    [...before.categories],
  );
  for (const b of diff.breakdown) assert.equal(b.deltaUs, b.afterUs - b.beforeUs);
  assert.ok(diff.ops.length > 0);
  for (let i = 1; i < diff.ops.length; i++)
    assert.ok(Math.abs(diff.ops[i - 1]!.deltaUs) >= Math.abs(diff.ops[i]!.deltaUs));
  const kinds = new Set(diff.ops.map((o) => o.change));
  assert.ok([...kinds].every((k) => ['added', 'removed', 'faster', 'slower', 'same'].includes(k)));
  // A profile against itself: nothing changed.
  const self = diffProfiles(before, before);
  assert.equal(self.steps.ratio, 1);
  assert.ok(self.ops.every((o) => o.change === 'same' && o.deltaUs === 0));
});
