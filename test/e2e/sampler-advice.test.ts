import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_RECOMMEND } from '../helpers/app';
import { browserSuite, watchedPage } from '../helpers/browser';
import { untilAttr } from '../helpers/annotate-ui';

/** The Rounds view's "Which sampler?" card: the latest simulate --recommend answer, and a rerun as a job. */
describe('sampler recommendation in the Rounds view', () => {
  let project: string;
  const lead = { annotator: 'lead' };

  const suite = browserSuite(async (app, dir) => {
    project = (await app.call('project.init', { dir: join(dir, 'demo'), demo: true, demoSize: 'tiny' }, lead))
      .path;
    await app.call('experiment.simulate', { project, ...TINY_RECOMMEND }, lead);
  }, 300_000);

  it('shows the recommendation with each sampler’s gap, and runs it again as a cancellable job', async () => {
    const context = await suite.browser.newContext({ extraHTTPHeaders: { 'X-PoseLoop-Annotator': 'lead' } });
    const { page, errors } = await watchedPage(context);
    await page.goto(suite.url('rounds', project));
    const kept = (await suite.app.call('experiment.recommendation', { project }, lead))!;
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
