// Writes docs/config.md from schemas/trainlens.schema.json: `npm run docs:config`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigDocs } from '../src/config/docs';

writeFileSync(join(__dirname, '..', 'docs', 'config.md'), renderConfigDocs());
process.stdout.write('docs/config.md written\n');
