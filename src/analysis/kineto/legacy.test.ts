import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { analyzeProfile, loadProfile } from '../analyze';
import { isLegacyPyTorch, kinetoCategoryOf, LEGACY_NOTE } from './legacy';

const LEGACY = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces', 'pytorch-legacy');
const FIXTURES = ['input_bound.json.gz', 'input_bound_workers.json.gz', 'compute_bound.json.gz'];

/** The fixture's events, as the legacy exporter wrote them. */
const eventsOf = (name: string): Array<Record<string, unknown>> =>
  JSON.parse(gunzipSync(readFileSync(join(LEGACY, name))).toString('utf8')) as Array<Record<string, unknown>>;

/**
 * The Kineto form of legacy events, written the way Kineto files them (not with the code under test): the
 * profiler's step markers, the data loader's spans and the optimizer's `record_function` labels are
 * `user_annotation`, every other span of these traces is an operator (`cpu_op`), in a `traceEvents` object.
 */
function kinetoForm(events: ReadonlyArray<Record<string, unknown>>): string {
  const annotation = /^(ProfilerStep#|enumerate\(DataLoader\)#|Optimizer\.)/;
  const traceEvents = events.map((e) => ({
    ...e,
    cat: annotation.test(String(e['name'])) ? 'user_annotation' : 'cpu_op',
  }));
  return JSON.stringify({ schemaVersion: 1, traceEvents });
}

test('a legacy export is recognized by its uncategorized PyTorch spans; a Kineto or plain Chrome trace is not', () => {
  const events = eventsOf('input_bound.json.gz');
  assert.equal(isLegacyPyTorch(events), true);
  assert.equal(isLegacyPyTorch(events.map((e) => ({ ...e, cat: 'cpu_op' }))), false);
  assert.equal(isLegacyPyTorch([{ name: 'RunTask', ph: 'X', ts: 0, dur: 5, pid: 1, tid: 1 }]), false);
  // The exporter's flow arrows carry a category of their own: they do not make the trace something else.
  const flow = { name: 'aten::mm', ph: 's', ts: 0, pid: 'CPU functions', tid: 1, id: 0, cat: 'cpu_to_cuda' };
  assert.equal(isLegacyPyTorch([flow, ...events.slice(0, 20)]), true);
});

test("each legacy span gets Kineto's category", () => {
  const of = (name: string, pid = 'CPU functions') => kinetoCategoryOf({ name, ph: 'X', ts: 0, dur: 1, pid, tid: 1 });
  assert.deepEqual(
    [
      'ProfilerStep#3',
      'enumerate(DataLoader)#_SingleProcessDataLoaderIter.__next__',
      'Optimizer.step#SGD.step',
      'forward "main"',
      'aten::addmm',
      'autograd::engine::evaluate_function: AddmmBackward0',
      'AddmmBackward0',
      'detach_',
    ].map((name) => of(name)),
    [
      'user_annotation',
      'user_annotation',
      'user_annotation',
      'user_annotation',
      'cpu_op',
      'cpu_op',
      'cpu_op',
      'cpu_op',
    ],
  );
  assert.equal(of('volta_sgemm_128x64_nn', 'CUDA functions'), 'kernel');
  assert.equal(kinetoCategoryOf({ name: 'aten::mm', ph: 'X', cat: 'cpu_op' }), undefined);
});

for (const name of FIXTURES)
  test(`${name}: the legacy trace gives the same steps, breakdown, operators and findings as its Kineto form`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainlens-legacy-'));
    try {
      const kinetoFile = join(dir, 'kineto.json');
      writeFileSync(kinetoFile, kinetoForm(eventsOf(name)));
      const legacy = await loadProfile(join(LEGACY, name));
      const kineto = await loadProfile(kinetoFile);
      assert.equal(legacy.source, 'kineto');
      assert.equal(legacy.stepsNote, LEGACY_NOTE);
      assert.equal(kineto.stepsNote, undefined);
      assert.deepEqual(
        legacy.steps.map((s) => s.name),
        ['1', '2', '3', '4', '5', '6'],
      );
      assert.deepEqual(legacy.steps, kineto.steps);
      assert.deepEqual(legacy.operators, kineto.operators);
      const [a, b] = [analyzeProfile(legacy), analyzeProfile(kineto)];
      assert.deepEqual(a.steps, { ...b.steps, note: LEGACY_NOTE });
      assert.deepEqual([a.breakdown, a.topOperators, a.findings], [b.breakdown, b.topOperators, b.findings]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
