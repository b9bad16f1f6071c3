import { createDefaultApp, type App } from '../app';

export { locateRenderer, localAnnotator } from './environment';

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
