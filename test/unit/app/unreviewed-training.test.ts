import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import { projectTrainingSet } from '../../../src/main/loop';
import { testApp } from '../../helpers/app';
import { tempDir } from '../../helpers/tmp';

const lead = { annotator: 'lead' };

/** A label saved without looking (every joint still `predicted`) does not teach the model its own guess. */
describe('unreviewed joints and the training set', () => {
  const tmp = tempDir();
  const project = join(tmp.dir, 'hands');
  let app: App;
  let sampleId: number;

  beforeAll(async () => {
    app = testApp(tmp.dir);
    await app.call('project.init', { dir: project, skeleton: 'hand21', demo: true, demoSize: 'tiny' }, lead);
    const pool = await app.call('samples.list', { project, split: 'pool', limit: 1 }, lead);
    sampleId = pool.items[0]!.id;
    const joints = Array.from({ length: 21 }, (_, j) => ({
      u: 100 + j,
      v: 80 + j,
      d: 400,
      visibility: 'visible' as const,
      state: 'predicted' as const,
    }));
    await app.call('annotation.save', { project, sampleId, joints, baseRevision: 0, status: 'done' }, lead);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('leaves a fully unreviewed label out by default and keeps it when asked', () => {
    const opened = app.deps.projects.get(project);
    expect(opened.store.sampleIds('train')).toContain(sampleId);
    expect(projectTrainingSet(opened).labelled).not.toContain(sampleId);
    const included = projectTrainingSet(opened, 'include');
    expect(included.labelled).toContain(sampleId);
    expect(included.labelOf(sampleId)![3]).toMatchObject({ u: 103, v: 83, state: 'predicted' });
    expect(projectTrainingSet(opened).labelOf(sampleId)![3]).toMatchObject({ u: null, visibility: 'absent' });
    // Imported seed labels are reviewed (accepted) and stay.
    expect(projectTrainingSet(opened).labelled.length).toBe(opened.store.sampleIds('train').length - 1);
  });
});
