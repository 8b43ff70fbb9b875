import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrainLensConfig } from './detect';

test('recognizes configs by name', () => {
  assert.equal(isTrainLensConfig('/w/exp/mnist.trainlens.yaml', ''), true);
  assert.equal(isTrainLensConfig('C:\\w\\trainlens.yml', ''), true);
  assert.equal(isTrainLensConfig('/w/docker-compose.yaml', 'services: {}\n'), false);
  assert.equal(isTrainLensConfig('/w/not-trainlens.yaml', ''), false);
});

test('recognizes configs by a schema modeline on the first line', () => {
  assert.equal(
    isTrainLensConfig(
      '/w/quickstart.yaml',
      '# yaml-language-server: $schema=../schemas/trainlens.schema.json\nversion: 1\n',
    ),
    true,
  );
  assert.equal(
    isTrainLensConfig('/w/a.yaml', 'version: 1\n# yaml-language-server: $schema=trainlens.schema.json\n'),
    false,
  );
  assert.equal(isTrainLensConfig('/w/a.yaml', '# yaml-language-server: $schema=other.schema.json\n'), false);
});

test('the new-config template is recognized and validates clean', async () => {
  const { NEW_CONFIG_TEMPLATE } = await import('./template');
  const { validateConfigText } = await import('./validate');
  assert.equal(isTrainLensConfig('Untitled-1', NEW_CONFIG_TEMPLATE), true);
  assert.deepEqual(
    validateConfigText(NEW_CONFIG_TEMPLATE).diagnostics.filter((d) => d.severity !== 'info'),
    [],
  );
});
