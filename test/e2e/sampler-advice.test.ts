import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../src/main/shells/http/server';
import type { App } from '../../src/main/app';
import { tempDir } from '../helpers/tmp';
import { testApp } from '../helpers/app';
import { launchChromium, serveForBrowser } from '../helpers/browser';
import { untilAttr } from '../helpers/annotate-ui';

/** The Rounds view's "Which sampler?" card: the latest simulate --recommend answer, and a rerun as a job. */
describe('sampler recommendation in the Rounds view', () => {
  const tmp = tempDir();
  let app: App;
  let server: RunningServer;
  let browser: Browser;
  let project: string;
  const lead = { annotator: 'lead' };

  beforeAll(async () => {
    app = testApp(tmp.dir);
    project = (
      await app.call('project.init', { dir: join(tmp.dir, 'demo'), demo: true, demoSize: 'tiny' }, lead)
    ).path;
    await app.call(
      'experiment.simulate',
      {
        project,
        recommend: true,
        samplers: 'coreset',
        trials: 1,
        rounds: 2,
        epochs: 1,
        mc: 2,
        preset: 'fast',
      },
      lead,
    );
    server = await serveForBrowser(app);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
    tmp.cleanup();
  });

  it('shows the recommendation with each sampler’s gap, and runs it again as a cancellable job', async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { 'X-PoseLoop-Annotator': 'lead' } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}#/rounds?path=${encodeURIComponent(project)}`);
    const kept = (await app.call('experiment.recommendation', { project }, lead))!;
    const sentence = page.getByTestId('advice-sentence');
    await sentence.waitFor();
    expect(await sentence.textContent()).toBe(kept.summary.recommendation!.sentence);
    const row = page.getByTestId('advice-row').filter({ hasText: 'coreset' });
    expect(await row.textContent()).toMatch(/one trial/);

    await page.getByTestId('advice-start').click();
    const status = page.getByTestId('advice-status');
    await untilAttr(status, null, (text) => /running/.test(text ?? ''));
    await page.getByTestId('advice-cancel').click();
    await untilAttr(status, null, (text) => /cancelled/.test(text ?? ''), 60_000);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
