import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectImport, openDatasetImport } from '../../../src/main/datasets/node';
import { tempDir } from '../../helpers/tmp';
import { writePng } from './rgb-fixtures';

/**
 * DeepLabCut's own `.h5` (pandas' "fixed" layout, MultiIndex rows and columns), written by pandas itself with
 * test/fixtures/formats/make-dlc-h5.py exactly as DeepLabCut saves labels; its CSV twin is the reference.
 */
describe('DeepLabCut .h5 labels', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const fixture = join(import.meta.dirname, '../../fixtures/formats/dlc-h5');

  async function project(keep: 'h5' | 'csv'): Promise<string> {
    const dir = join(tmp.dir, keep);
    cpSync(fixture, dir, { recursive: true });
    rmSync(
      join(dir, 'labeled-data/clip', keep === 'h5' ? 'CollectedData_alice.csv' : 'CollectedData_alice.h5'),
    );
    for (const image of ['img000.png', 'img001.png'])
      await writePng(join(dir, 'labeled-data/clip', image), 100, 80);
    return dir;
  }

  it('reads the .h5 alone: bodyparts, image paths, NaN as absent', async () => {
    const run = await openDatasetImport('dlc', await project('h5'));
    const records = await collectImport(run);
    expect(run.dataset.skeleton).toBe('coco17');
    expect(records.map((r) => r.imagePath)).toEqual([
      'labeled-data/clip/img000.png',
      'labeled-data/clip/img001.png',
    ]);
    const [first, second] = records;
    // Row r, bodypart k: x = 10 + 4k + r, y = 5 + 3k + r/2 (make-dlc-h5.py); COCO17 order = the file's order.
    expect(first!.joints![0]).toMatchObject({ u: 10, v: 5, visibility: 'visible' }); // nose
    expect(first!.joints![16]).toMatchObject({ u: 74, v: 53, visibility: 'visible' }); // right ankle
    expect(first!.joints![10]!.visibility).toBe('absent'); // right wrist: NaN in the first image
    expect(second!.joints![10]).toMatchObject({ u: 51, v: 35.5, visibility: 'visible' });
  });

  it('gives exactly what its CSV twin gives', async () => {
    const fromH5 = await collectImport(await openDatasetImport('dlc', await project('h5')));
    const fromCsv = await collectImport(await openDatasetImport('dlc', await project('csv')));
    expect(fromH5.map((r) => r.joints)).toEqual(fromCsv.map((r) => r.joints));
  });
});
