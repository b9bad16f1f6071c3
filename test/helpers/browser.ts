import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { App } from '../../src/main/app';
import { startHttpShell, type RunningServer } from '../../src/main/shells/http/server';

export const REPO = resolve(import.meta.dirname, '../..');
export const RENDERER_DIR = join(REPO, 'out', 'renderer');
export const ARTIFACTS = join(REPO, 'test-results');

/**
 * Debian's Chromium driven by playwright-core (no browser download), with WebGL on the software rasteriser
 * (SwiftShader) so the three.js view renders headless.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.POSELOOP_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `browser tests need Chromium at ${executablePath} (apt-get install chromium, or set POSELOOP_CHROMIUM)`,
    );
  }
  if (!existsSync(join(RENDERER_DIR, 'index.html')))
    throw new Error('renderer not built: run npm run build first');
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** The app served on a free loopback port with the built renderer, as `poseloop serve` does, for a browser test. */
export function serveForBrowser(app: App): Promise<RunningServer> {
  return startHttpShell({
    app,
    host: '127.0.0.1',
    port: 0,
    rendererDir: RENDERER_DIR,
    localAnnotator: 'e2e',
  });
}
