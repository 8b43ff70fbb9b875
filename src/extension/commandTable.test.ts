import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMAND_CATEGORY, COMMANDS } from './commandTable';

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    menus?: { commandPalette?: Array<{ command: string; when?: string }> };
  };
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;

test('the manifest contributes exactly the commands of the table, with their titles and category', () => {
  const contributed = manifest.contributes.commands.map((c) => ({
    id: c.command,
    title: c.title,
    category: c.category,
  }));
  const table = COMMANDS.map((c) => ({ id: c.id, title: c.title, category: COMMAND_CATEGORY }));
  assert.deepEqual(contributed, table);
});

test('commands that start processes are hidden from the palette in untrusted workspaces', () => {
  const palette = new Map((manifest.contributes.menus?.commandPalette ?? []).map((m) => [m.command, m.when]));
  for (const command of COMMANDS) {
    if (command.requiresTrust) assert.equal(palette.get(command.id), 'isWorkspaceTrusted', command.id);
    else assert.equal(palette.has(command.id), false, command.id);
  }
});
