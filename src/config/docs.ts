import { describeLevel } from './levels';
import { CONFIG_SCHEMA, describeRange, type SchemaNode } from './schema';
import { CONFIG_FILE_PATTERNS } from './detect';

const typeName = (node: SchemaNode): string =>
  node.enum
    ? 'enum'
    : node.const !== undefined
      ? 'const'
      : node.type === 'object'
        ? 'mapping'
        : node.type === 'array'
          ? `list of ${node.items?.type ?? (node.items?.enum ? 'enum' : 'value')}`
          : (node.type ?? 'value');

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The rules the schema's tables cannot show: how checkpoints make runs resumable, and where TrainLens writes. */
const CHECKPOINTS_AND_PATHS: readonly string[] = [
  '## Checkpoints and resuming',
  '',
  'Every run can be continued. A run that completes writes a last checkpoint (`monitoring.checkpoints.last`), a ' +
    'stopped run (Ctrl+C, SIGTERM, SIGHUP, Stop in the editor) writes an emergency checkpoint, and a long run also ' +
    'writes one every `monitoring.checkpoints.every_minutes` of training time (10 by default), on top of any ' +
    '`every` steps. `trainlens run CONFIG --resume RUN_DIR` (or `--resume latest`) continues a run from its newest ' +
    'checkpoint in the same run folder; `--steps` and `--epochs` count the whole run, so `--steps 20` then ' +
    '`--steps 40 --resume RUN_DIR` trains 20 more steps, with the same losses and metrics rows as one 40-step run. ' +
    'Resuming needs the same config (its hash is in the checkpoint).',
  '',
  '## Paths',
  '',
  "- Relative paths in the config (`model.path`, `data.path`) are resolved against the config file's folder.",
  '- What TrainLens writes stays inside the folder it owns: the run folder (`.trainlens/runs/<id>/` next to the ' +
    'config, or under `--out`). `monitoring.checkpoints.dir` is relative to the run folder and must stay inside ' +
    'it: `validate` reports an absolute path or a `..` that climbs out as an error on the value, and the engine ' +
    'resolves the folder through real paths before the run starts, so a symlink out of the run folder is refused ' +
    'too.',
  '- Pruning deletes only what TrainLens wrote. Each checkpoints folder holds `.trainlens-checkpoints.json`, the ' +
    'list of the checkpoint folders and temporary folders TrainLens created there; `keep` prunes, and the next ' +
    'write cleans up after a killed one, only folders listed in it. A file or folder you put there is left as it ' +
    'is, whatever its name.',
  '',
];

/** Renders docs/config.md from the schema: one table per section, every key with type, default, range and values. */
export function renderConfigDocs(): string {
  const out: string[] = [
    '# Training config reference',
    '',
    '<!-- Generated from schemas/trainlens.schema.json by `npm run docs:config`; a test keeps it up to date. Do not edit. -->',
    '',
    CONFIG_SCHEMA.description ?? '',
    '',
    `TrainLens treats a YAML file as a training config when its name matches ${CONFIG_FILE_PATTERNS.map((p) => `\`${p}\``).join(', ')}, or when its first line is a schema modeline: \`# yaml-language-server: $schema=…/trainlens.schema.json\`.`,
    '',
    `Required top-level keys: ${(CONFIG_SCHEMA.required ?? []).map((k) => `\`${k}\``).join(', ')}.`,
    '',
  ];
  const sections: Array<[string, SchemaNode]> = [];
  const walk = (prefix: string, node: SchemaNode) => {
    if (!node.properties) return;
    sections.push([prefix, node]);
    for (const [key, child] of Object.entries(node.properties)) {
      if (child.type === 'object' && child.properties) walk(prefix ? `${prefix}.${key}` : key, child);
      if (child.type === 'array' && child.items?.properties) walk(`${prefix ? `${prefix}.` : ''}${key}[]`, child.items);
    }
  };
  walk('', CONFIG_SCHEMA);
  for (const [name, node] of sections) {
    out.push(`## ${name || 'Top level'}`, '');
    if (name && node.description) out.push(node.description, '');
    if (node.required?.length) out.push(`Required: ${node.required.map((k) => `\`${k}\``).join(', ')}.`, '');
    out.push('| key | type | default | range | description |', '|---|---|---|---|---|');
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const values = child.enum
        ? `<br>${child.enum.map((v, i) => `\`${String(v)}\`${child.enumDescriptions?.[i] ? `: ${child.enumDescriptions[i]}` : ''}`).join('<br>')}`
        : '';
      out.push(
        `| \`${key}\` | ${typeName(child)} | ${child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : ''} | ${describeRange(child) ?? ''} | ${cell(child.description ?? '')}${cell(values)} |`,
      );
    }
    out.push('');
  }
  out.push(...CHECKPOINTS_AND_PATHS);
  out.push('## What each optimization level sets', '');
  for (const level of ['basic', 'advanced', 'ultra', 'custom'] as const) {
    out.push(
      `### ${level}`,
      '',
      level === 'custom' ? describeLevel(level) : `\`\`\`yaml\n${describeLevel(level)}\n\`\`\``,
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}
