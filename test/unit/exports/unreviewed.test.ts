import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import type { Joint } from '../../../src/shared/domain';
import { testApp } from '../../helpers/app';
import { tempDir } from '../../helpers/tmp';
import { as, readJson } from './setup';

interface Coco {
  annotations: { image_id: number; keypoints: number[]; num_keypoints: number }[];
}

/** Issue 16: a prediction saved without review, and a joint dragged outside the image. */
describe('exports: unreviewed joints and joints outside the image', () => {
  const tmp = tempDir('poseloop-unreviewed-');
  const project = join(tmp.dir, 'demo');
  let app: App;
  let unreviewedId: number;

  beforeAll(async () => {
    app = testApp(tmp.dir);
    await app.call('project.init', { dir: project, demo: true, demoSize: 'tiny' }, as('lead'));
    const { store } = app.deps.projects.get(project);
    unreviewedId = store.sampleIds('pool')[0]!;
    // Joints 0–2 reviewed (accepted, moved outside the image, created), the rest still as predicted.
    const joints: Joint[] = store.groundTruth(unreviewedId)!.map((j, i) => ({
      ...j,
      ...(i === 1 ? { u: -4, v: 10 } : {}),
      state: i === 0 ? 'accepted' : i === 1 ? 'moved' : i === 2 ? 'created' : 'predicted',
    }));
    await app.call(
      'annotation.save',
      { project, sampleId: unreviewedId, joints, baseRevision: 0, status: 'done' },
      as('x'),
    );
  }, 120_000);
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  const keypointsOf = async (out: string, extra: Record<string, unknown>) => {
    await app.call('export.run', { project, format: 'coco', out, ...extra }, as('x'));
    const coco = await readJson<Coco>(out);
    return coco.annotations.find((a) => a.image_id === unreviewedId)!;
  };

  it('the preview counts samples and joints saved without review', async () => {
    const preview = await app.call('export.preview', { project }, as('x'));
    expect(preview.unreviewed).toEqual({ samples: 1, joints: 18 });
  });

  it('by default unreviewed joints are written as unlabelled (v = 0); include keeps them', async () => {
    const excluded = await keypointsOf(join(tmp.dir, 'ex.json'), {});
    const flags = excluded.keypoints.filter((_, i) => i % 3 === 2);
    // Joint 0 accepted and joint 2 created are labels; joint 1 lies outside the image: v = 0.
    expect(flags.slice(0, 3)).toEqual([2, 0, 2]);
    expect(flags.slice(3).every((v) => v === 0)).toBe(true);
    expect(excluded.num_keypoints).toBe(2);
    expect(excluded.keypoints.slice(3, 6)).toEqual([0, 0, 0]);

    const included = await keypointsOf(join(tmp.dir, 'in.json'), { unreviewed: 'include' });
    expect(included.num_keypoints).toBe(20);
    expect(included.keypoints.slice(3, 6)).toEqual([0, 0, 0]);
  });

  it('the store gives the learner the label with unreviewed joints absent, or as saved', () => {
    const { store } = app.deps.projects.get(project);
    const excluded = store.annotations.labelOf(unreviewedId, 'exclude')!;
    expect(excluded.filter((j) => j.visibility !== 'absent')).toHaveLength(3);
    expect(excluded[5]).toEqual({ u: null, v: null, d: null, visibility: 'absent', state: 'predicted' });
    const included = store.annotations.labelOf(unreviewedId, 'include')!;
    expect(included.filter((j) => j.visibility !== 'absent')).toHaveLength(21);
  });
});
