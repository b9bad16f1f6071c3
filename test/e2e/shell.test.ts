import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, browserSuite, watchedPage } from '../helpers/browser';

describe('renderer over the HTTP shell', () => {
  const suite = browserSuite();

  it('creates a project from the picker and shows its home page', async () => {
    const { page, errors } = await watchedPage(suite.browser);
    // Issue 16: before the first round, Home and Rounds ask for nothing that is not there (no 404 in the console).
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(suite.server.url);
    await expect(page.getByText('No project opened yet').isVisible()).resolves.toBe(true);

    const dir = join(suite.dir, 'from-ui');
    const form = page.getByRole('form', { name: 'Create project' });
    await form.getByLabel('Folder').fill(dir);
    await form.getByLabel('Name').fill('Made in the browser');
    await form.getByLabel('Fill with the synthetic demo data').uncheck();
    await form.getByRole('button', { name: 'Create project' }).click();

    await page.getByTestId('project-name').waitFor();
    expect(await page.getByTestId('project-name').textContent()).toBe('Made in the browser');
    expect(await page.getByTestId('count-labelled').textContent()).toBe('0');
    expect(await page.getByTestId('backend').textContent()).toBe('test-backend');
    expect(page.url()).toContain(encodeURIComponent(dir));
    await page.screenshot({ path: join(ARTIFACTS, 'project-home.png') });

    await page.getByRole('link', { name: 'Rounds' }).click();
    await page.getByTestId('round-start').waitFor();
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.getByTestId('pending-note').waitFor();
    expect(failed).toEqual([]);
    await page.getByRole('link', { name: 'PoseLoop' }).click();
    await page.getByTestId('recent-projects').waitFor();
    expect(await page.getByTestId('recent-projects').textContent()).toContain('Made in the browser');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a readable error for a folder that is not a project', async () => {
    const page = await suite.browser.newPage();
    await page.goto(suite.server.url);
    const form = page.getByRole('form', { name: 'Open project' });
    await form.getByLabel('Folder').fill(join(suite.dir, 'missing'));
    await form.getByRole('button', { name: 'Open' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/is not a PoseLoop project/);
    await page.close();
  });

  it('imports a dataset from the project page and shows the summary, or the first problem', async () => {
    const dir = join(suite.dir, 'import-ui');
    await suite.app.call('project.init', { dir }, { annotator: 'e2e' });
    const data = join(suite.dir, 'synth-for-ui');
    await suite.app.call('synth.generate', { out: data, frames: 12, seed: 4 }, { annotator: 'e2e' });
    const page = await suite.browser.newPage();
    await page.goto(suite.url('home', dir));
    const form = page.getByRole('form', { name: 'Import dataset' });
    await form.getByPlaceholder('/data/icvl').fill(data);
    await form.getByRole('button', { name: 'Import' }).click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    const imported = (await suite.app.call('project.info', { project: dir }, { annotator: 'e2e' })).samples
      .total;
    expect(imported).toBeGreaterThan(8);
    expect(await summary.textContent()).toContain(`${imported} imported`);
    await page.getByTestId('sample-counts').getByText(String(imported)).first().waitFor();

    await form.getByLabel('Format').selectOption('icvl');
    await form
      .getByPlaceholder('/data/icvl')
      .fill(join(import.meta.dirname, '../../../shared/fixtures/real/icvl'));
    await form.getByRole('button', { name: 'Import' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/nothing imported .*test_seq_1\.txt:1: .*image file not found/);
    await page.close();
  });

  it('serves the page with a strict content security policy', async () => {
    const response = await fetch(suite.server.url);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*object-src 'none'/);
  });
});
