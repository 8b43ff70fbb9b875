import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** Runs the built CLI the way users do (`npx trainlens` resolves bin/trainlens.js) and captures its output. */
export function trainlens(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'trainlens.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The built CLI's entry, for tests that spawn it themselves (to signal or kill it). */
export const BIN = join(ROOT, 'bin', 'trainlens.js');

/** Writes `examples/quickstart.yaml` as `edit` changes it to `path`, and returns `path`. */
export function writeQuickstart(path: string, edit: (text: string) => string): string {
  writeFileSync(path, edit(readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8')));
  return path;
}
