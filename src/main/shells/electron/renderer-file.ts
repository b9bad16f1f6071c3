import { join, sep } from 'node:path';

/** The renderer file an `app://` URL names, or null when it lies outside the renderer folder (or is malformed). */
export function rendererFile(rendererDir: string, url: string): string | null {
  try {
    const { pathname } = new URL(url);
    const file = join(rendererDir, decodeURIComponent(pathname === '/' ? '/index.html' : pathname));
    const root = rendererDir.endsWith(sep) ? rendererDir : rendererDir + sep;
    return file.startsWith(root) ? file : null;
  } catch {
    return null;
  }
}
