import { IMPORT_LABEL_FILE_FORMATS } from '@shared/contract';
import { COCO17 } from '@shared/skeletons';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectImport, openDatasetImport } from '../../../src/main/datasets/node';
import { tempDir } from '../../helpers/tmp';
import { fixture } from './fixtures';
import { writeJpeg } from './rgb-fixtures';

/**
 * Formats whose labels are files accept the label file as the root: that file is read alone, and images resolve from
 * the dataset folder it belongs to (its folder, or the parent of COCO's `annotations/`), as when the folder is given.
 */
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('poseloop-fileroot-')));
afterEach(() => cleanup());

/** A COCO file with one person (all 17 keypoints visible) on `<set>/a.jpg`. */
async function writeCoco(set: string, id: number): Promise<void> {
  await writeJpeg(join(dir, set, 'a.jpg'), 64, 48);
  const coco = {
    images: [{ id: 1, file_name: 'a.jpg', width: 64, height: 48 }],
    annotations: [
      { id, image_id: 1, category_id: 1, keypoints: COCO17.joints.flatMap((_, k) => [10 + k, 5 + k, 2]) },
    ],
    categories: [{ id: 1, name: 'person', keypoints: [...COCO17.joints] }],
  };
  await mkdir(join(dir, 'annotations'), { recursive: true });
  await writeFile(join(dir, 'annotations', `person_keypoints_${set}.json`), JSON.stringify(coco));
}

describe('a label file as the import root', () => {
  it('COCO: a file in annotations/ is read alone, images and split as with the dataset folder', async () => {
    await writeCoco('val2017', 7);
    await writeCoco('train2017', 8);
    const whole = await collectImport(await openDatasetImport('coco', dir));
    expect(whole.map((record) => record.key).sort()).toEqual(['train2017/a.jpg#8', 'val2017/a.jpg#7']);
    const run = await openDatasetImport('coco', join(dir, 'annotations', 'person_keypoints_val2017.json'));
    const records = await collectImport(run);
    expect(run.root).toBe(dir);
    expect(run.errors).toEqual([]);
    expect(records.map((record) => [record.key, record.split])).toEqual([['val2017/a.jpg#7', 'test']]);
  });

  it('MPII: the JSON file gives the same people as its folder; the .mat struct is refused by name', async () => {
    const fromFolder = await collectImport(await openDatasetImport('mpii', fixture('mpii')));
    const run = await openDatasetImport('mpii', fixture('mpii/test_mpii.json'));
    expect(run.root).toBe(fixture('mpii'));
    expect(await collectImport(run)).toEqual(fromFolder);
    await writeFile(join(dir, 'mpii_human_pose_v1_u12_1.mat'), '');
    await expect(openDatasetImport('mpii', join(dir, 'mpii_human_pose_v1_u12_1.mat'))).rejects.toMatchObject({
      code: 'unsupported',
    });
  });

  it('every format the Import view offers a label file for reads its root through the same check', async () => {
    await writeFile(join(dir, 'notes.txt'), 'not labels');
    for (const format of IMPORT_LABEL_FILE_FORMATS)
      await expect(openDatasetImport(format, join(dir, 'notes.txt')), format).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringContaining(`${join(dir, 'notes.txt')} is neither a folder nor`) as string,
      });
  });

  it('a file of another kind or a missing path is an error naming it', async () => {
    await writeCoco('val2017', 7);
    await expect(openDatasetImport('yolo', join(dir, 'val2017', 'a.jpg'))).rejects.toMatchObject({
      code: 'invalid_input',
      message: `${join(dir, 'val2017', 'a.jpg')} is neither a folder nor a *.yaml file; give the yolo folder or its *.yaml label file`,
    });
    await expect(openDatasetImport('sleap', join(dir, 'labels.slp'))).rejects.toMatchObject({
      code: 'not_found',
      message: `${join(dir, 'labels.slp')} does not exist; give the sleap folder or its *.slp label file`,
    });
  });
});
