import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/**
 * PoseLoop's version from its package.json: the nearest one named "poseloop" above this module (the source tree,
 * the built `out/main/`, or a packaged app). 'unknown' if none is found. Shells may pass `appVersion` in AppDeps.
 */
export function packageVersion(): string {
  if (cached !== null) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'poseloop' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // not here: look one folder up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return (cached = 'unknown');
}
