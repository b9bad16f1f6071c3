import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserSuite, watchedPage } from '../helpers/browser';
import { writeDlcMouse } from '../helpers/dlc-mouse';

/**
 * The Export view writes CVAT as a folder with its images (unticking "Copy the images" asks for a file instead), and
 * the Import view of a fresh project takes that folder's annotations.xml itself as the root.
 */
describe('CVAT export folder through the views', () => {
  const lead = { annotator: 'lead' };
  const suite = browserSuite(async (app, dir) => {
    await writeDlcMouse(join(dir, 'mouse'));
    await app.call('project.init', { dir: project }, lead);
    await app.call('dataset.import', { project, format: 'dlc', root: join(dir, 'mouse') }, lead);
    await app.call('project.init', { dir: fresh }, lead);
  }, 120_000);
  const project = join(suite.dir, 'mouse-project');
  const fresh = join(suite.dir, 'fresh');

  it('exports the folder with its images and re-imports it from the label file', async () => {
    const { page, errors } = await watchedPage(suite.browser);
    await page.goto(suite.url('export', project));
    await page.getByTestId('export-format').selectOption('cvat');
    const out = page.getByTestId('export-out');
    const copy = page.getByTestId('export-images');
    expect(await copy.isChecked()).toBe(true);
    expect(await out.inputValue()).toBe(`${project}-export-cvat`);
    await copy.uncheck();
    expect(await out.inputValue()).toBe(`${project}-export-cvat.xml`);
    await page.getByText('Output file').waitFor();
    await copy.check();
    await page.getByText('Output folder').waitFor();
    await page.getByTestId('export-start').click();
    const result = page.getByTestId('export-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('2 images copied');

    await page.goto(suite.url('home', fresh));
    const form = page.getByRole('form', { name: 'Import dataset' });
    await form.getByLabel('Format').selectOption('cvat');
    await form.getByLabel('Folder or label file').fill(join(`${project}-export-cvat`, 'annotations.xml'));
    await form.getByRole('button', { name: 'Import' }).click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/2 imported, 0 already present, 0 skipped/);
    expect(errors).toEqual([]);
  }, 120_000);
});
