import { createReadStream } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { AppError } from '@shared/errors';

/**
 * Streams a text file line by line (1-based numbers), so million-line label files never sit in memory whole. Only
 * "\n" ends a line: ICVL lines end with " \r\r\n", which node:readline would count as two lines.
 */
export async function* readLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  let line = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const parts = (rest + String(chunk)).split('\n');
    rest = parts.pop()!;
    for (const text of parts) yield { line: ++line, text };
  }
  if (rest !== '') yield { line: line + 1, text: rest };
}

/** The first `length` bytes of a file (fewer if it is shorter). */
export async function readHead(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Files under `root` (recursively, sorted) whose name passes `keep`, as '/'-separated paths relative to `root`. */
export async function listFiles(root: string, keep: (name: string) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (error) {
    // A folder that cannot be walked (/proc, a permission-denied subtree, a vanished path) is bad input, not a crash.
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new AppError(
      'invalid_input',
      `cannot list the images under ${root} (${code}: ${(error as Error).message.split('\n')[0]}); give a dataset folder`,
      'root',
    );
  }
  return entries
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => toPosix(relative(root, join(entry.parentPath, entry.name))))
    .sort();
}

export function toPosix(path: string): string {
  return path.split(sep).join('/');
}

export function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}
