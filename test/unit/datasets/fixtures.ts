import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared real-data fixtures (read in place, never copied into the repo). */
export const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/real/', import.meta.url));

export function fixture(path: string): string {
  return join(FIXTURES, path);
}

/** A fresh temp folder, removed after `body`. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'poseloop-datasets-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
