import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// What the shells need of their surroundings, kept apart from the app so `poseloop --help` loads no TF.js.

const here = dirname(fileURLToPath(import.meta.url));

/** The built renderer: next to the bundle (out/main → out/renderer) or, from source, the repo's out/renderer. */
export function locateRenderer(): string | null {
  const candidates = [join(here, '../renderer'), resolve(here, '../../../out/renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

export function localAnnotator(): string {
  try {
    return process.env.POSELOOP_ANNOTATOR ?? userInfo().username;
  } catch {
    return 'local';
  }
}
