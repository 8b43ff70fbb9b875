import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where an optional package was found, or why it was not. */
export type PackageResolution =
  | { readonly found: true; readonly version: string; readonly resolvedFrom: string }
  | { readonly found: false; readonly reason: string };

/**
 * Finds an installed npm package without loading it: first in the user-configured `extraPaths` (for native
 * packages such as `@tensorflow/tfjs-node-gpu` that users install next to their project), then from `fromDir`.
 * Only the package's `package.json` is read, so probing is cheap and cannot crash the engine.
 */
export function resolvePackage(
  packageName: string,
  fromDir: string,
  extraPaths: readonly string[] = [],
): PackageResolution {
  const searched = [...extraPaths, fromDir];
  for (const base of searched) {
    const manifestPath = locateManifest(packageName, base);
    if (!manifestPath) continue;
    try {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: unknown };
      const version = typeof manifest.version === 'string' ? manifest.version : 'unknown';
      return { found: true, version, resolvedFrom: dirname(manifestPath) };
    } catch (error) {
      return { found: false, reason: `${manifestPath} is unreadable: ${(error as Error).message}` };
    }
  }
  return {
    found: false,
    reason:
      extraPaths.length > 0
        ? `not installed in ${extraPaths.join(', ')} nor next to the TrainLens engine`
        : 'not installed next to the TrainLens engine, and no native-modules folder is configured',
  };
}

/**
 * Path of a package's package.json as seen from `base`. Packages whose `exports` map hides `./package.json` are
 * found through their main entry, walking up to the folder whose manifest carries the package's name.
 */
function locateManifest(packageName: string, base: string): string | undefined {
  try {
    return require.resolve(`${packageName}/package.json`, { paths: [base] });
  } catch {
    // Either not installed or hidden by an exports map: try the main entry below.
  }
  let entry: string;
  try {
    entry = require.resolve(packageName, { paths: [base] });
  } catch {
    return undefined;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (!existsSync(candidate)) continue;
    try {
      if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown }).name === packageName) return candidate;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
