import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COCO17 } from '../../../src/shared/skeletons';
import { expectSame, labelledJoints, cocoSourceSuite } from './ecosystem-source';
import { as } from './setup';

/**
 * Ours → peer tool's file → ours, through the app (export.run, then dataset.import into a fresh project): the same
 * people with the same joints and visibility. DeepLabCut alone has no occlusion flag (occluded reads back visible).
 * Label Studio and CVAT are written here as the label file alone (`images: false`) into the source folder; their
 * self-contained folders (the default) are tested in label-file-export.test.ts.
 */
describe('ecosystem formats round trip (ours → file → ours)', () => {
  const suite = cocoSourceSuite('poseloop-eco-');
  const { tmp, project } = suite;

  it('the source holds three people with occluded and absent joints', () => {
    expect(suite.original).toHaveLength(3);
    expect(suite.original[0]![3]!.visibility).toBe('occluded');
    expect(suite.original[0]![7]!.visibility).toBe('absent');
  });

  // A root naming the label file itself (data.yaml, .slp, .json) reads that file, its folder being the dataset's.
  const cases = [
    { format: 'dlc', out: 'dlc-out', root: 'dlc-out', keepsOcclusion: false, digits: 9 },
    { format: 'yolo', out: 'yolo-out', root: 'yolo-out/data.yaml', keepsOcclusion: true, digits: 3 },
    { format: 'sleap', out: 'source/labels.slp', root: 'source/labels.slp', keepsOcclusion: true, digits: 9 },
    {
      format: 'labelstudio',
      out: 'source/tasks.json',
      root: 'source/tasks.json',
      keepsOcclusion: true,
      digits: 9,
    },
    { format: 'cvat', out: 'source/annotations.xml', root: 'source', keepsOcclusion: true, digits: 4 },
  ] as const;

  for (const { format, out, root, keepsOcclusion, digits } of cases) {
    it(`${format}: same joints and visibility${keepsOcclusion ? '' : ' (occluded → visible)'}`, async () => {
      const exported = await suite.app.call(
        'export.run',
        { project, format, out: join(tmp.dir, out), images: false },
        as('lead'),
      );
      expect(exported.samples).toBe(3);
      const again = join(tmp.dir, `again-${format}`);
      await suite.app.call('project.init', { dir: again, skeleton: 'coco17' }, as('lead'));
      const summary = await suite.app.call(
        'dataset.import',
        { project: again, format, root: join(tmp.dir, root) },
        as('lead'),
      );
      expect(summary.errors).toEqual([]);
      expect(summary.imported).toBe(3);
      expectSame(labelledJoints(suite.app, again), suite.original, keepsOcclusion, digits);
      const [dataset] = suite.app.deps.projects.get(again).store.listDatasets();
      expect(dataset!.root).toBe(join(tmp.dir, /\.\w+$/.test(root) ? dirname(root) : root));
    });
  }

  it("the files follow each tool's layout (DeepLabCut header and config, YOLO data.yaml, CVAT points)", async () => {
    const dlc = join(tmp.dir, 'dlc-out');
    const [csv] = (await readdir(join(dlc, 'labeled-data'), { recursive: true })).filter((f) =>
      f.endsWith('.csv'),
    );
    expect(csv).toMatch(/\/CollectedData_poseloop\.csv$/);
    const lines = (await readFile(join(dlc, 'labeled-data', csv!), 'utf8')).split('\n');
    expect(lines[0]).toBe(`scorer,,,${Array(34).fill('poseloop').join(',')}`);
    expect(lines[1]!.startsWith('bodyparts,,,nose,nose,l_eye,l_eye,')).toBe(true);
    expect(lines[2]).toBe(`coords,,,${Array(17).fill('x,y').join(',')}`);
    // Joint 7 (absent) is two empty cells, DeepLabCut's NaN.
    expect(lines[3]!.split(',').slice(3 + 14, 3 + 16)).toEqual(['', '']);
    const config = parse(await readFile(join(dlc, 'config.yaml'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ scorer: 'poseloop', bodyparts: [...COCO17.joints], iteration: 0 });
    expect((config.skeleton as string[][])[0]).toEqual(['nose', 'l_eye']);
    const data = parse(await readFile(join(tmp.dir, 'yolo-out', 'data.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(data).toMatchObject({ kpt_shape: [17, 3], train: 'images/train', val: 'images/train' });
    expect(data.flip_idx).toEqual([0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]);
    const xml = await readFile(join(tmp.dir, 'source', 'annotations.xml'), 'utf8');
    expect(xml).toContain(
      '<label>\n          <name>l_eye</name>\n          <type>points</type>\n          <parent>person</parent>',
    );
    expect(xml).toMatch(
      /<points label="l_elbow" source="manual" outside="1" occluded="0" points="0.00,0.00"/,
    );
    expect(xml).toMatch(
      /<points label="l_ear" source="manual" outside="0" occluded="1" points="13.0000,8.7500"/,
    );
  });

  it('coco-results: writes nothing without predictions and says why', async () => {
    await expect(
      suite.app.call(
        'export.run',
        { project, format: 'coco-results', out: join(tmp.dir, 'results.json') },
        as('lead'),
      ),
    ).resolves.toMatchObject({ samples: 0, skipped: { 'no-prediction': 3 } });
  });
});
