import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../src/main/shells/http/server';
import type { App } from '../../src/main/app';
import { tempDir } from '../helpers/tmp';
import { testApp } from '../helpers/app';
import { launchChromium, serveForBrowser } from '../helpers/browser';
import { writeDlcMouse } from '../helpers/dlc-mouse';

/**
 * The Export view writes CVAT as a folder with its images (unticking "Copy the images" asks for a file instead), and
 * the Import view of a fresh project takes that folder's annotations.xml itself as the root.
 */
describe('CVAT export folder through the views', () => {
  const tmp = tempDir();
  const lead = { annotator: 'lead' };
  const project = join(tmp.dir, 'mouse-project');
  const fresh = join(tmp.dir, 'fresh');
  let app: App;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    app = testApp(tmp.dir);
    await writeDlcMouse(join(tmp.dir, 'mouse'));
    await app.call('project.init', { dir: project }, lead);
    await app.call('dataset.import', { project, format: 'dlc', root: join(tmp.dir, 'mouse') }, lead);
    await app.call('project.init', { dir: fresh }, lead);
    server = await serveForBrowser(app);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
    tmp.cleanup();
  });

  it('exports the folder with its images and re-imports it from the label file', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}#/export?path=${encodeURIComponent(project)}`);
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

    await page.goto(`${server.url}#/home?path=${encodeURIComponent(fresh)}`);
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
