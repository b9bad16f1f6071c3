import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { App } from '../../../src/main/app';
import type { Joint } from '../../../src/shared/domain';
import { COCO17 } from '../../../src/shared/skeletons';
import { testApp } from '../../helpers/app';
import { tempDir } from '../../helpers/tmp';
import { writeJpeg } from '../datasets/rgb-fixtures';
import { as } from './setup';

/**
 * The people the peer-format round trips start from (a COCO dataset: two images, three people with occluded and
 * absent joints), and how their joints are compared after export → import.
 */
const W = 64;
const H = 48;

/** Person p on an image: joint k at (4 + 3k + p/4, 2 + 2.5k·0.9 + p), joint 3 occluded, joint 7 absent. */
function person(p: number): number[] {
  return COCO17.joints.flatMap((_, k) => {
    if (k === 7) return [0, 0, 0];
    return [4 + 3 * k + p / 4, 2 + 2.25 * k + p, k === 3 ? 1 : 2];
  });
}

export async function writeCocoSource(root: string): Promise<void> {
  const names = ['a.jpg', 'b.jpg'];
  for (const name of names) await writeJpeg(join(root, 'images', name), W, H);
  const coco = {
    images: names.map((file_name, id) => ({ id, file_name, width: W, height: H })),
    // Two people on a.jpg, one on b.jpg.
    annotations: [0, 1, 2].map((p) => ({
      id: 10 + p,
      image_id: p < 2 ? 0 : 1,
      category_id: 1,
      keypoints: person(p),
      bbox: [1, 1, 60, 45],
    })),
    categories: [{ id: 1, name: 'person', keypoints: [...COCO17.joints] }],
  };
  await writeFile(join(root, 'coco.json'), JSON.stringify(coco));
}

/** Every labelled sample's joints, ordered by where their first joint sits (image paths differ per format). */
export function labelledJoints(app: App, project: string): Joint[][] {
  const { store } = app.deps.projects.get(project);
  return store.exports
    .collect({ split: 'all', status: 'labelled', unreviewed: 'include' })
    .map((sample) => sample.joints!)
    .sort((a, b) => a[0]!.u! - b[0]!.u!);
}

export function expectSame(actual: Joint[][], expected: Joint[][], keepsOcclusion: boolean, digits: number) {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((joints, s) =>
    joints.forEach((joint, j) => {
      const got = actual[s]![j]!;
      const visibility = joint.visibility === 'occluded' && !keepsOcclusion ? 'visible' : joint.visibility;
      expect(got.visibility, `sample ${s} joint ${j}`).toBe(visibility);
      if (joint.visibility === 'absent') return expect(got.u).toBeNull();
      expect(got.u).toBeCloseTo(joint.u!, digits);
      expect(got.v).toBeCloseTo(joint.v!, digits);
    }),
  );
}

/**
 * A test suite's app with a COCO17 project holding the source people (imported from a fresh COCO source folder),
 * and those people's joints as first read back; cleaned up after the suite.
 */
export function cocoSourceSuite(prefix: string) {
  const tmp = tempDir(prefix);
  const suite = {
    tmp,
    source: join(tmp.dir, 'source'),
    project: join(tmp.dir, 'project'),
    app: undefined as unknown as App,
    original: [] as Joint[][],
  };
  beforeAll(async () => {
    suite.app = testApp(tmp.dir);
    await writeCocoSource(suite.source);
    await suite.app.call('project.init', { dir: suite.project, skeleton: 'coco17' }, as('lead'));
    await suite.app.call(
      'dataset.import',
      { project: suite.project, format: 'coco', root: suite.source },
      as('lead'),
    );
    suite.original = labelledJoints(suite.app, suite.project);
  }, 60_000);
  afterAll(async () => {
    await suite.app.close();
    tmp.cleanup();
  });
  return suite;
}
