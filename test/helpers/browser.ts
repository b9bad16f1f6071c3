import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { App } from '../../src/main/app';
import { startHttpShell, type RunningServer } from '../../src/main/shells/http/server';
import { appSuite, type AppSuite } from './app';

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

/** What a browser suite's tests drive: its app, the server over it and Chromium (set before the first test). */
export interface BrowserSuite extends AppSuite {
  server: RunningServer;
  browser: Browser;
  /** The served app's address of `view` (e.g. 'annotate') on `project`, with `extra` query text ('&sample=3'). */
  url(view: string, project: string, extra?: string): string;
}

/**
 * A browser suite's fixture, registered in the calling describe: appSuite's app prepared by `setup` (projects,
 * imports, rounds), then served over HTTP with the built renderer, and Chromium; after the tests the browser and
 * server are closed before the app. `timeout` bounds each set-up step (default: the project's hook timeout).
 */
export function browserSuite(
  setup: (app: App, dir: string) => Promise<void> = async () => {},
  timeout?: number,
): BrowserSuite {
  const suite = Object.assign(appSuite(setup, timeout), {
    url: (view: string, project: string, extra = '') =>
      `${suite.server.url}#/${view}?path=${encodeURIComponent(project)}${extra}`,
  }) as BrowserSuite;
  beforeAll(async () => {
    suite.server = await serveForBrowser(suite.app);
    suite.browser = await launchChromium();
  }, timeout);
  // After-hooks run in reverse (vitest's default 'stack' order): these before appSuite's.
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/** A new page of `target` with the uncaught errors its scripts throw collected in `errors` (tests expect none). */
export async function watchedPage(
  target: Browser | BrowserContext,
): Promise<{ page: Page; errors: string[] }> {
  const page = await target.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}
