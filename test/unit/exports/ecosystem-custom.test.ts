import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { App } from '../../../src/main/app';
import type { Joint } from '../../../src/shared/domain';
import { testApp } from '../../helpers/app';
import { tempDir } from '../../helpers/tmp';
import { writePng } from '../datasets/rgb-fixtures';
import { as } from './setup';

/**
 * A mouse (not a human): a DeepLabCut project with its own bodyparts and skeleton, human labels and machine labels
 * (a refinement round's `machinelabels-iter0.csv`, with likelihoods). Imported into a new project it defines the
 * project's skeleton; the machine labels become imported suggestions; DeepLabCut and SLEAP exports carry the
 * skeleton back unchanged; a file with other bodyparts is refused by name.
 */
const PARTS = ['snout', 'left_ear', 'right_ear', 'tailbase'];
const LINKS = [
  ['snout', 'left_ear'],
  ['snout', 'right_ear'],
  ['left_ear', 'tailbase'],
];
/** Bodypart k of the mouse on image i. */
const at = (i: number, k: number) => [10 + 5 * k + i, 8 + 3 * k] as const;

async function put(path: string, text: string) {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

async function writeDlcMouse(root: string, parts = PARTS): Promise<void> {
  const yaml = [
    'Task: mouse',
    'scorer: Ann',
    'bodyparts:',
    ...parts.map((p) => `- ${p}`),
    'skeleton:',
    ...LINKS.map(([a, b]) => `- - ${a}\n  - ${b}`),
    '',
  ].join('\n');
  await put(join(root, 'config.yaml'), yaml);
  const header = (scorer: string, coords: string[]) =>
    [
      ['scorer', '', '', ...parts.flatMap(() => coords.map(() => scorer))],
      ['bodyparts', '', '', ...parts.flatMap((p) => coords.map(() => p))],
      ['coords', '', '', ...parts.flatMap(() => coords)],
    ].map((row) => row.join(','));
  const row = (i: number, extra: (k: number) => string[] = () => []) =>
    [
      'labeled-data',
      'cage',
      `img${i}.png`,
      ...parts.flatMap((_, k) => [...at(i, k).map(String), ...extra(k)]),
    ].join(',');
  // Human labels on img0 and img1 (tailbase of img1 not labelled).
  const human = [...header('Ann', ['x', 'y']), row(0), row(1).replace(/,\d+,\d+$/, ',,')];
  await put(join(root, 'labeled-data/cage/CollectedData_Ann.csv'), `${human.join('\n')}\n`);
  // Machine labels: img0 one pixel off (a suggestion for the labelled mouse), img2 a mouse nobody labelled.
  const machine = [
    ...header('DLC_resnet50', ['x', 'y', 'likelihood']),
    [
      'labeled-data',
      'cage',
      'img0.png',
      ...parts.flatMap((_, k) => [at(0, k)[0] + 1, at(0, k)[1], 0.9 - k / 10]),
    ].join(','),
    row(2, () => ['0.5']),
  ];
  await put(join(root, 'labeled-data/cage/machinelabels-iter0.csv'), `${machine.join('\n')}\n`);
  for (const i of [0, 1, 2]) await writePng(join(root, `labeled-data/cage/img${i}.png`), 64, 48);
}

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
