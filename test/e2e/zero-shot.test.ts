import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserSuite, watchedPage, type BrowserSuite } from '../helpers/browser';
import { jointRows, screenshot, until } from '../helpers/annotate-ui';
import { fixture } from '../unit/datasets/fixtures';

/** The project's first pool image in the annotate view, in a 1440×900 window. */
async function openFirstPoolImage(suite: BrowserSuite, project: string) {
  const lead = { annotator: 'lead' };
  const [sample] = (await suite.app.call('samples.list', { project, split: 'pool', limit: 1 }, lead)).items;
  const opened = await watchedPage(
    await suite.browser.newContext({ viewport: { width: 1440, height: 900 } }),
  );
  await opened.page.goto(suite.url('annotate', project, `&sample=${sample!.id}`));
  return opened;
}

/**
 * From the first image: a fresh RGB project of real photos (the MPII fixture, imported into the pool with its labels
 * hidden), no model trained. Opening an image asks the shipped pretrained model, and its suggestion fills the editor
 * with the source named in the header.
 */
describe('zero-shot suggestions in the annotate view', () => {
  const lead = { annotator: 'lead' };
  const suite = browserSuite(async (app) => {
    await app.call('project.init', { dir: project, skeleton: 'mpii16' }, lead);
    await app.call(
      'dataset.import',
      { project, format: 'mpii', root: fixture('mpii'), split: 'pool', hideLabels: true },
      lead,
    );
  }, 120_000);
  const project = join(suite.dir, 'photos');

  it('fills an untouched image with the pretrained suggestion and names its source', async () => {
    const { page, errors } = await openFirstPoolImage(suite, project);
    const source = page.getByTestId('suggestion-source');
    await until(
      async () => (await source.textContent())?.includes('pretrained (MoveNet Thunder)') ?? false,
      'the pretrained suggestion',
      90_000,
    );
    await until(
      async () => (await jointRows(page)).filter((row) => row.u !== null).length === 16,
      'all 16 joints placed from the suggestion',
    );
    await screenshot(page, 'annotate-zero-shot.png');
    expect(errors).toEqual([]);
  }, 180_000);
});

/**
 * The same for depth hands: a new hand project (the demo's data, no model trained) opens its first pool image with
 * the shipped synthetic-hand model's suggestion, marked pretrained, every joint placed with its σ ring.
 */
describe('zero-shot hand suggestions in the annotate view', () => {
  const lead = { annotator: 'lead' };
  const suite = browserSuite(async (app) => {
    await app.call('project.init', { dir: project, skeleton: 'hand21', demo: true, demoSize: 'tiny' }, lead);
  }, 120_000);
  const project = join(suite.dir, 'hands');

  it('fills an untouched depth image with the pretrained hand and names its source', async () => {
    const { page, errors } = await openFirstPoolImage(suite, project);
    const source = page.getByTestId('suggestion-source');
    await until(
      async () =>
        (await source.textContent())?.includes('pretrained (DeepPrior fast, synthetic hands)') ?? false,
      'the pretrained hand suggestion',
      120_000,
    );
    await until(
      async () => (await jointRows(page)).filter((row) => row.u !== null && row.d !== null).length === 21,
      'all 21 joints placed from the suggestion',
    );
    await screenshot(page, 'annotate-zero-shot-depth.png');
    expect(errors).toEqual([]);
  }, 240_000);
});
