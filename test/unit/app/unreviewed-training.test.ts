import { describe, expect, it } from 'vitest';
import { projectTrainingSet } from '../../../src/main/loop';
import { demoSuite } from '../../helpers/app';

const lead = { annotator: 'lead' };

/** A label saved without looking (every joint still `predicted`) does not teach the model its own guess. */
describe('unreviewed joints and the training set', () => {
  let sampleId: number;
  const suite = demoSuite({
    name: 'hands',
    skeleton: 'hand21',
    timeout: 120_000,
    then: async (app, project) => {
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
    },
  });
  const { project } = suite;

  it('leaves a fully unreviewed label out by default and keeps it when asked', () => {
    const opened = suite.app.deps.projects.get(project);
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
