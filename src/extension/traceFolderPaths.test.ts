import assert from 'node:assert/strict';
import { test } from 'node:test';
import { traceFolderPaths } from './traceFolderPaths';

test('the folders of trace-handler files, each once, sorted; other JSON files do not make a trace folder', () => {
  assert.deepEqual(
    traceFolderPaths([
      '/ws/log/resnet/host_1.1700000000000.pt.trace.json.gz',
      '/ws/log/resnet/host_2.1700000000001.pt.trace.json.gz',
      '/ws/log/a.b.host.1700000000000.pt.trace.json',
      '/ws/package.json',
      '/ws/traces/trace.json.gz',
      '/ws/log/notes.pt.trace.json',
    ]),
    ['/ws/log', '/ws/log/resnet'],
  );
  assert.deepEqual(traceFolderPaths([]), []);
});
