import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDefaultApp, type App } from '../app';

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

/** The TF.js backend name shown in `info` and the UI; resolved once, lazily (loading TF.js takes a moment). */
let backendPromise: Promise<string> | null = null;
export function backendName(): Promise<string> {
  backendPromise ??= import('../learner').then(
    async ({ selectBackend }) => {
      const choice = await selectBackend();
      return choice.patchedKernels.length > 0 ? `${choice.name} (patched)` : choice.name;
    },
    (error: unknown) => `unavailable (${(error as Error).message})`,
  );
  return backendPromise;
}

export function createShellApp(options: { pinned?: string } = {}): App {
  return createDefaultApp({ pinned: options.pinned, backendName });
}
