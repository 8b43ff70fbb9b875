import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixTarget, type FixTarget } from './fixTarget';

// Real paths throughout: the temporary folder may itself be behind a symlink (macOS /tmp).
const root = realpathSync(mkdtempSync(join(tmpdir(), 'trainlens-fix-target-')));
after(() => rmSync(root, { recursive: true, force: true }));
const workspace = join(root, 'workspace');
const outside = join(root, 'outside');
mkdirSync(join(workspace, 'configs'), { recursive: true });
mkdirSync(outside);
const CONFIG = 'version: 1\nmodel: { preset: mlp }\n';
writeFileSync(join(workspace, 'configs', 'train.trainlens.yaml'), CONFIG);
writeFileSync(
  join(workspace, 'modeline.yaml'),
  `# yaml-language-server: $schema=../schemas/trainlens.schema.json\n${CONFIG}`,
);
writeFileSync(join(workspace, 'package.json'), '{ "name": "x" }\n');
writeFileSync(join(workspace, 'other.yaml'), 'name: not a config\n');
writeFileSync(join(outside, 'train.trainlens.yaml'), CONFIG);

const decide = (configPath: string | undefined, trusted = true): FixTarget =>
  fixTarget({ configPath, workspaceFolders: [workspace], trusted });
const reason = (target: FixTarget): string => (target.ok ? assert.fail(`allowed ${target.file}`) : target.reason);

test('a TrainLens config inside the workspace may be edited, by its name or by its schema modeline', () => {
  const config = join(workspace, 'configs', 'train.trainlens.yaml');
  assert.deepEqual(decide(config), { ok: true, file: config });
  assert.deepEqual(decide(join(workspace, 'modeline.yaml')), { ok: true, file: join(workspace, 'modeline.yaml') });
});

test('a file that is not a TrainLens config is never edited, inside the workspace or not (package.json)', () => {
  assert.match(reason(decide(join(workspace, 'package.json'))), /^package\.json is not a TrainLens config/);
  assert.match(reason(decide(join(workspace, 'other.yaml'))), /^other\.yaml is not a TrainLens config/);
});

test('".." is resolved before the workspace check', () => {
  const climbing = join(workspace, 'configs', '..', '..', 'outside', 'train.trainlens.yaml');
  assert.match(reason(decide(climbing)), /is outside the workspace/);
  // A ".." that stays inside is fine, and the file edited is the resolved one.
  const inside = `${workspace}/configs/../configs/train.trainlens.yaml`;
  assert.deepEqual(decide(inside), { ok: true, file: join(workspace, 'configs', 'train.trainlens.yaml') });
});

test('a symlink is resolved first: one leading out of the workspace, or onto a file that is not a config, is refused', () => {
  const out = join(workspace, 'escape.trainlens.yaml');
  symlinkSync(join(outside, 'train.trainlens.yaml'), out);
  assert.match(
    reason(decide(out)),
    new RegExp(`escape\\.trainlens\\.yaml \\(which is .*outside.*\\) is outside the workspace`),
  );
  // A config-looking name that is a link to package.json: the detection reads the real file's name and text.
  const disguised = join(workspace, 'disguised.trainlens.yaml');
  symlinkSync(join(workspace, 'package.json'), disguised);
  assert.match(reason(decide(disguised)), /^package\.json is not a TrainLens config/);
  // A linked folder leading out of the workspace.
  symlinkSync(outside, join(workspace, 'linked'));
  assert.match(reason(decide(join(workspace, 'linked', 'train.trainlens.yaml'))), /is outside the workspace/);
});

test('nothing is edited untrusted, without a config, with a relative path, or for a file that cannot be read', () => {
  const config = join(workspace, 'configs', 'train.trainlens.yaml');
  assert.match(reason(decide(config, false)), /^Trust the workspace/);
  assert.match(reason(decide(undefined)), /did not come from a TrainLens config/);
  assert.match(reason(decide('configs/train.trainlens.yaml')), /not an absolute path/);
  assert.match(
    reason(decide(join(workspace, 'gone.trainlens.yaml'))),
    /^Cannot read .*gone\.trainlens\.yaml: .*does not exist/,
  );
  assert.match(reason(decide(join(workspace, 'configs'))), /is a folder/);
  assert.match(reason(fixTarget({ configPath: config, workspaceFolders: [], trusted: true })), /outside the workspace/);
});
