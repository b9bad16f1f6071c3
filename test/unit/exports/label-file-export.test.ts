import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSame, labelledJoints, cocoSourceSuite } from './ecosystem-source';
import { as } from './setup';

/**
 * Label Studio and CVAT exports are self-contained folders: the label file plus the images it names, copied as they
 * are. Moved elsewhere, the folder re-imports into a fresh project with nothing placed by hand, given the folder or
 * the label file itself as the root. A failed export leaves nothing behind.
 */
const LABEL_FILE = { labelstudio: 'tasks.json', cvat: 'annotations.xml' } as const;
/** Where the source's `images/a.jpg` goes: `images/<dataset folder>/<path in the dataset>`. */
const COPIED_A = 'ds001-coco-source/images/a.jpg';

describe('Label Studio and CVAT exports bring their images', () => {
  const suite = cocoSourceSuite('poseloop-labelfile-');
  const { tmp, source, project } = suite;
  let projects = 0;
  async function importInto(format: 'labelstudio' | 'cvat', root: string) {
    const again = join(tmp.dir, `again-${++projects}`);
    await suite.app.call('project.init', { dir: again, skeleton: 'coco17' }, as('lead'));
    const summary = await suite.app.call('dataset.import', { project: again, format, root }, as('lead'));
    return { again, summary };
  }

  for (const format of ['labelstudio', 'cvat'] as const) {
    it(`${format}: a moved export folder re-imports from the folder and from its label file`, async () => {
      const out = join(tmp.dir, `${format}-out`);
      const exported = await suite.app.call('export.run', { project, format, out }, as('lead'));
      expect(exported).toMatchObject({ samples: 3, images: 2 });
      expect(exported.files).toEqual([join(out, LABEL_FILE[format]), join(out, 'manifest.json')]);
      const moved = join(tmp.dir, 'elsewhere', format);
      await mkdir(join(tmp.dir, 'elsewhere'), { recursive: true });
      await rename(out, moved);
      expect(await readFile(join(moved, 'images', COPIED_A))).toEqual(
        await readFile(join(source, 'images/a.jpg')),
      );
      const label = await readFile(join(moved, LABEL_FILE[format]), 'utf8');
      expect(label).toContain(
        format === 'cvat' ? `name="${COPIED_A}"` : `"/data/local-files/?d=images/${COPIED_A}"`,
      );
      for (const root of [moved, join(moved, LABEL_FILE[format])]) {
        const { again, summary } = await importInto(format, root);
        expect(summary.errors).toEqual([]);
        expect(summary.imported).toBe(3);
        expectSame(labelledJoints(suite.app, again), suite.original, true, format === 'cvat' ? 4 : 9);
        const [dataset] = suite.app.deps.projects.get(again).store.listDatasets();
        expect(dataset!.root).toBe(moved);
      }
    });
  }

  it('--no-images writes the label file alone, naming images by their path in the dataset', async () => {
    const out = join(tmp.dir, 'alone.xml');
    const exported = await suite.app.call(
      'export.run',
      { project, format: 'cvat', out, images: false },
      as('lead'),
    );
    expect(exported).toMatchObject({ images: 0, files: [out, `${out}.manifest.json`] });
    expect(await readFile(out, 'utf8')).toContain('name="images/a.jpg"');
  });

  it('an output named like the label file is refused: the export is a folder unless --no-images', async () => {
    const out = join(tmp.dir, 'tasks.json');
    await expect(
      suite.app.call('export.run', { project, format: 'labelstudio', out }, as('lead')),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'out' });
    await expect(readdir(tmp.dir)).resolves.not.toContain('tasks.json');
  });

  it('an export whose image cannot be read fails naming it and leaves no folder', async () => {
    const missing = join(source, 'images/b.jpg');
    await rename(missing, `${missing}.away`);
    try {
      const out = join(tmp.dir, 'failed', 'ls');
      await expect(
        suite.app.call('export.run', { project, format: 'labelstudio', out }, as('lead')),
      ).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(missing) as string });
      expect(await readdir(join(tmp.dir, 'failed'))).toEqual([]);
    } finally {
      await rename(`${missing}.away`, missing);
    }
  });

  it('a root that is neither the folder nor its label file is refused naming the path', async () => {
    const absent = join(tmp.dir, 'nowhere', 'tasks.json');
    await expect(importInto('labelstudio', absent)).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining(absent) as string,
    });
    const image = join(source, 'images/a.jpg');
    await expect(importInto('cvat', image)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining(`${image} is neither a folder nor a *.xml file`) as string,
    });
    const coco = join(source, 'coco.json');
    await expect(importInto('labelstudio', coco)).rejects.toMatchObject({
      message: expect.stringContaining(`no labelstudio labels in ${coco}`) as string,
    });
  });
});
