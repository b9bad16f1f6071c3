import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserSuite, watchedPage } from '../helpers/browser';
import { jointRows, until } from '../helpers/annotate-ui';
import { at, writeDlcMouse } from '../helpers/dlc-mouse';

/**
 * Another tool's project through the Import view: a DeepLabCut mouse (its own skeleton, human labels and machine
 * labels) into a new project. The summary says what was kept; the image only the machine labelled opens with that
 * prediction as an "imported (DeepLabCut)" suggestion.
 */
describe('importing another tool’s project with its predictions', () => {
  const lead = { annotator: 'lead' };
  const suite = browserSuite(async (app) => {
    await writeDlcMouse(source);
    await app.call('project.init', { dir: project }, lead);
  }, 120_000);
  const project = join(suite.dir, 'mouse-project');
  const source = join(suite.dir, 'mouse');

  it('imports the skeleton and the predictions, and shows a prediction as an imported suggestion', async () => {
    const { page, errors } = await watchedPage(suite.browser);
    await page.goto(suite.url('home', project));
    const form = page.getByRole('form', { name: 'Import dataset' });
    await form.getByLabel('Format').selectOption('dlc');
    await form.getByPlaceholder('/data/icvl').fill(source);
    await form.getByRole('button', { name: 'Import' }).click();
    await page.getByTestId('import-summary').waitFor();
    expect(await page.getByTestId('import-predictions').textContent()).toContain('2 predictions');
    expect(await page.getByTestId('import-skeleton').textContent()).toContain(
      'DeepLabCut skeleton (4 keypoints',
    );

    const [pooled] = (await suite.app.call('samples.list', { project, split: 'pool', limit: 1 }, lead)).items;
    await page.goto(suite.url('annotate', project, `&sample=${pooled!.id}`));
    const badge = page.getByTestId('suggestion-source');
    await until(
      async () => (await badge.textContent())?.includes('imported (DeepLabCut)') ?? false,
      'the imported suggestion',
    );
    await until(
      async () => (await jointRows(page)).filter((row) => row.u !== null).length === 4,
      'all 4 bodyparts placed from the suggestion',
    );
    const rows = await jointRows(page);
    expect(rows[0]!.u).toBeCloseTo(at(2, 0)[0], 1);
    expect(errors).toEqual([]);
  }, 120_000);
});
