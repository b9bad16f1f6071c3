import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { dir: string; version: string } | null | undefined;

/**
 * PoseLoop's own folder and version: the nearest package.json named "poseloop" above this module (the source tree,
 * the built `out/main/`, or a packaged app). Null if none is found.
 */
export function poseloopPackage(): { dir: string; version: string } | null {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'poseloop' && typeof pkg.version === 'string')
        return (cached = { dir, version: pkg.version });
    } catch {
      // not here: look one folder up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return (cached = null);
}
