import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { App } from '../../../src/main/app';
import type { Joint } from '../../../src/shared/domain';
import { testApp } from '../../helpers/app';
import { LINKS, PARTS, at, writeDlcMouse } from '../../helpers/dlc-mouse';
import { tempDir } from '../../helpers/tmp';
import { as } from './setup';

/**
 * A mouse (not a human): a DeepLabCut project with its own bodyparts and skeleton, human labels and machine labels
 * (a refinement round's `machinelabels-iter0.csv`, with likelihoods). Imported into a new project it defines the
 * project's skeleton; the machine labels become imported suggestions; DeepLabCut and SLEAP exports carry the
 * skeleton back unchanged; a file with other bodyparts is refused by name.
 */
function labelled(app: App, project: string): Joint[][] {
  return app.deps.projects
    .get(project)
    .store.exports.collect({ split: 'all', status: 'labelled', unreviewed: 'include' })
    .map((sample) => sample.joints!)
    .sort((a, b) => a[0]!.u! - b[0]!.u!);
}

describe('custom skeletons and imported predictions (DeepLabCut mouse)', () => {
  const tmp = tempDir('poseloop-mouse-');
  const source = join(tmp.dir, 'mouse');
  const project = join(tmp.dir, 'project');
  let app: App;

  beforeAll(async () => {
    app = testApp(tmp.dir);
    await writeDlcMouse(source);
    await app.call('project.init', { dir: project }, as('lead'));
  }, 60_000);
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('a new project takes the skeleton of config.yaml; machine labels become suggestions, never labels', async () => {
    const summary = await app.call('dataset.import', { project, format: 'dlc', root: source }, as('lead'));
    expect(summary).toMatchObject({ imported: 3, skipped: 0, predictions: 2, errors: [] });
    expect(summary.skeleton).toMatchObject({ joints: 4, name: expect.stringContaining('DeepLabCut') });
    const opened = app.deps.projects.get(project);
    expect(opened.skeleton).toMatchObject({ kind: 'custom', joints: PARTS });
    expect(opened.modality).toBe('rgb');
    // The file's links, and a tree rooted at the snout for the learner.
    expect(opened.skeleton.links).toEqual([
      [0, 1],
      [0, 2],
      [1, 3],
    ]);
    expect(opened.skeleton.edges).toEqual([
      [0, 1],
      [0, 2],
      [1, 3],
    ]);
    const joints = labelled(app, project);
    expect(joints).toHaveLength(2);
    expect(joints[1]![3]!.visibility).toBe('absent');

    const [img0, img1, img2] = opened.store.listSamples({ after: 0, limit: 10 });
    expect([img0, img1, img2].map((s) => [s!.imagePath, s!.split])).toEqual([
      ['labeled-data/cage/img0.png', 'train'],
      ['labeled-data/cage/img1.png', 'train'],
      ['labeled-data/cage/img2.png', 'pool'],
    ]);
    expect(opened.store.annotations.get(img2!.id)).toBeNull();
    const suggestion = await app.call('prediction.get', { project, sampleId: img0!.id }, as('lead'));
    expect(suggestion!.source).toMatchObject({ kind: 'imported', label: 'DeepLabCut' });
    expect(suggestion!.joints[0]).toMatchObject({ u: at(0, 0)[0] + 1, v: at(0, 0)[1], stdPx: null });
    const pooled = await app.call('prediction.get', { project, sampleId: img2!.id }, as('lead'));
    expect(pooled!.joints.map((j) => [j.u, j.v])).toEqual(PARTS.map((_, k) => [...at(2, k)]));
    expect(await app.call('prediction.get', { project, sampleId: img1!.id }, as('lead'))).toBeNull();
    // The latest model of the project is still none: imported rows are not models.
    expect(opened.store.checkpoints.latest()).toBeNull();
    // The shipped people model has nothing to say about a mouse.
    await expect(app.call('model.zeroShot', { project }, as('lead'))).rejects.toThrow(
      /suggests people; this project's skeleton is DeepLabCut skeleton/,
    );

    // Re-importing changes nothing and replaces the predictions.
    const again = await app.call('dataset.import', { project, format: 'dlc', root: source }, as('lead'));
    expect(again).toMatchObject({ imported: 0, duplicates: 3, predictions: 2 });
  });

  it('exports carry the skeleton and predictions (DeepLabCut config.yaml, SLEAP) and read back the same', async () => {
    const dlcOut = join(tmp.dir, 'dlc-out');
    await app.call('export.run', { project, format: 'dlc', out: dlcOut }, as('lead'));
    const config = parse(await readFile(join(dlcOut, 'config.yaml'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ bodyparts: PARTS, skeleton: LINKS });
    const slpRoot = join(tmp.dir, 'slp-out');
    await mkdir(slpRoot);
    await app.call('export.run', { project, format: 'sleap', out: join(slpRoot, 'mouse.slp') }, as('lead'));
    const skeletonId = app.deps.projects.get(project).skeletonId;
    for (const [format, root] of [
      ['dlc', dlcOut],
      ['sleap', slpRoot],
    ] as const) {
      const fresh = join(tmp.dir, `fresh-${format}`);
      await app.call('project.init', { dir: fresh, skeleton: 'mpii16' }, as('lead'));
      const summary = await app.call('dataset.import', { project: fresh, format, root }, as('lead'));
      expect(summary.errors, format).toEqual([]);
      expect(app.deps.projects.get(fresh).skeletonId, format).toBe(skeletonId);
      expect(labelled(app, fresh), format).toEqual(
        labelled(app, project).map((j) => j.map((x) => ({ ...x }))),
      );
      if (format === 'sleap') expect(summary.predictions).toBe(1);
    }
    expect(await readdir(slpRoot)).toContain('mouse.slp');
  });

  it('COCO keypoints + COCO results beside them read back the skeleton, the labels and the prediction', async () => {
    const out = join(tmp.dir, 'coco-out');
    await app.call('export.run', { project, format: 'coco', out: join(out, 'mouse.json') }, as('lead'));
    const results = await app.call(
      'export.run',
      { project, format: 'coco-results', out: join(out, 'results.json') },
      as('lead'),
    );
    expect(results.samples).toBe(1);
    // The COCO export names images by their export path; put the images there, as a user copying them would.
    const coco = JSON.parse(await readFile(join(out, 'mouse.json'), 'utf8')) as {
      images: { file_name: string }[];
      categories: { keypoints: string[]; skeleton: number[][] }[];
    };
    expect(coco.categories[0]).toMatchObject({
      keypoints: PARTS,
      skeleton: [
        [1, 2],
        [1, 3],
        [2, 4],
      ],
    });
    for (const { file_name } of coco.images) {
      await mkdir(join(out, file_name, '..'), { recursive: true });
      await copyFile(join(source, file_name.split('/').slice(1).join('/')), join(out, file_name));
    }
    const fresh = join(tmp.dir, 'fresh-coco');
    await app.call('project.init', { dir: fresh }, as('lead'));
    const summary = await app.call(
      'dataset.import',
      { project: fresh, format: 'coco', root: out },
      as('lead'),
    );
    expect(summary).toMatchObject({ imported: 2, predictions: 1, errors: [] });
    expect(app.deps.projects.get(fresh).skeletonId).toBe(app.deps.projects.get(project).skeletonId);
    expect(labelled(app, fresh)).toEqual(labelled(app, project));
    const [first] = app.deps.projects.get(fresh).store.listSamples({ after: 0, limit: 1 });
    const suggestion = await app.call('prediction.get', { project: fresh, sampleId: first!.id }, as('lead'));
    expect(suggestion!.source).toMatchObject({ kind: 'imported', label: 'COCO' });
    expect(suggestion!.joints[0]).toMatchObject({ u: at(0, 0)[0] + 1, v: at(0, 0)[1] });
  });

  it('refuses a file with other bodyparts, naming it and the bodyparts that differ', async () => {
    const other = join(tmp.dir, 'rat');
    await writeDlcMouse(other, ['snout', 'left_ear', 'right_ear', 'tail_tip']);
    await expect(
      app.call('dataset.import', { project, format: 'dlc', root: other }, as('lead')),
    ).rejects.toThrow(
      /config\.yaml: .*not in the project: \[tail_tip\]; missing from the file: \[tailbase\]/,
    );
  });
});
