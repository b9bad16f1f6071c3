/** Issue 16 item 8: what a round's picks cost, per annotator, from the labels and the predictions they started at. */
import { describe, expect, it } from 'vitest';
import type { Joint } from '../../../src/shared/domain';
import { demoSuite } from '../../helpers/app';

const as = (annotator: string) => ({ annotator });

describe('round.cost', () => {
  const suite = demoSuite({ timeout: 120_000 });
  const { project } = suite;

  it('is null before the first round and names a missing round', async () => {
    expect(await suite.app.call('round.cost', { project }, as('lead'))).toBeNull();
    await expect(suite.app.call('round.cost', { project, roundId: 99 }, as('lead'))).rejects.toThrow(
      /no round 99/,
    );
  });

  it('counts seconds per image, joint states and the mean distance moved, in total and per annotator', async () => {
    const round = await suite.app.call(
      'seed.select',
      { project, size: 3, method: 'random', seed: 2 },
      as('lead'),
    );
    const { store } = suite.app.deps.projects.get(project);
    const [a, b, c] = (await suite.app.call('queue.list', { project }, as('lead'))).items.map(
      (i) => i.sampleId,
    );
    // A prediction at (10, 20) for every joint of sample a, recorded as the one its label started from.
    const checkpointId = store.checkpoints.add({
      roundId: null,
      path: 'x',
      config: {},
      backend: 'b',
      metrics: {},
    });
    const mean = new Float32Array(21 * 3).map((_, i) => (i % 3 === 0 ? 10 : i % 3 === 1 ? 20 : 500));
    store.predictions.put(round.id, checkpointId, 1, [
      { sampleId: a!, mean, std: new Float32Array(63), aleatoric: null, loglik: null },
    ]);
    const predictionId = store.predictions.latest(a!)!.id;
    const pose = (state: (j: number) => Joint['state'], at: (j: number) => [number, number]): Joint[] =>
      Array.from({ length: 21 }, (_, j) => ({
        u: at(j)[0],
        v: at(j)[1],
        d: 500,
        visibility: 'visible',
        state: state(j),
      }));

    // x: joint 0 moved 3-4-5 px, joint 1 moved 6-8-10 px, the rest accepted; 30 s.
    const save = (sampleId: number, joints: Joint[], seconds: number, who: string, from?: number) =>
      suite.app.call(
        'annotation.save',
        {
          project,
          sampleId,
          joints,
          baseRevision: 0,
          status: 'done',
          secondsSpent: seconds,
          fromPredictionId: from,
        },
        as(who),
      );
    await save(
      a!,
      pose(
        (j) => (j < 2 ? 'moved' : 'accepted'),
        (j) => (j === 0 ? [13, 24] : j === 1 ? [16, 28] : [10, 20]),
      ),
      30,
      'x',
      predictionId,
    );
    // y: one image created by hand (10 s), one saved as predicted (2 s); in progress work is not counted.
    await save(
      b!,
      pose(
        () => 'created',
        () => [5, 5],
      ),
      10,
      'y',
    );
    await save(
      c!,
      pose(
        () => 'predicted',
        () => [5, 5],
      ),
      2,
      'y',
    );

    const cost = (await suite.app.call('round.cost', { project }, as('lead')))!;
    expect(cost).toMatchObject({ roundId: round.id, number: round.number, sampler: 'seed-random' });
    expect(cost.total).toEqual({
      images: 3,
      secondsPerImage: 14,
      joints: { accepted: 19, moved: 2, created: 21, predicted: 21 },
      meanMovedPx: 7.5,
    });
    expect(cost.byAnnotator).toEqual([
      {
        annotator: 'x',
        images: 1,
        secondsPerImage: 30,
        joints: { accepted: 19, moved: 2, created: 0, predicted: 0 },
        meanMovedPx: 7.5,
      },
      {
        annotator: 'y',
        images: 2,
        secondsPerImage: 6,
        joints: { accepted: 0, moved: 0, created: 21, predicted: 21 },
        meanMovedPx: null,
      },
    ]);
  });
});
