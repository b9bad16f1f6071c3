import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Joint } from '@shared/domain';
import { ProjectStore } from '../../../src/main/store';
import { tempDir } from '../../helpers/tmp';

const joint = (u: number, v: number): Joint => ({ u, v, d: 500, visibility: 'visible', state: 'created' });
const prediction = (sampleId: number) => ({
  sampleId,
  mean: new Float32Array([1, 2, 3, 4, 5, 6]),
  std: new Float32Array(6).fill(0.5),
  aleatoric: null,
  loglik: null,
});

describe('store repos', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: ProjectStore;
  let sampleIds: number[];
  let alice: number;
  let bob: number;

  beforeEach(() => {
    tmp = tempDir();
    store = ProjectStore.open(join(tmp.dir, 'project.sqlite'));
    store.putSkeleton({ id: 'toy', name: 'toy', kind: 'hand', joints: ['a', 'b'], edges: [[0, 1]] });
    const datasetId = store.ensureDataset({
      name: 'd',
      format: 'synth',
      root: '/data',
      modality: 'depth',
      skeletonId: 'toy',
      intrinsics: null,
      cubeMm: 300,
    });
    alice = store.accounts.idOf('alice');
    bob = store.accounts.idOf('bob');
    store.insertSamples(
      datasetId,
      ['x', 'y', 'z'].map((key) => ({
        sourceKey: key,
        imagePath: `${key}.png`,
        frame: 0,
        modality: 'depth' as const,
        width: 320,
        height: 240,
        split: 'pool' as const,
      })),
      alice,
    );
    sampleIds = store.sampleIds('pool');
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  const save = (annotatorId: number, joints: Joint[], extra: { fromPredictionId?: number } = {}) => {
    const sampleId = sampleIds[0]!;
    return store.annotations.save({
      sampleId,
      joints,
      baseRevision: store.annotations.get(sampleId)?.revision ?? 0,
      status: 'in_progress',
      annotatorId,
      secondsSpent: 1,
      ...extra,
    });
  };

  it('prepares its statements once: repeated calls never prepare again', () => {
    const spy = vi.spyOn(store.db, 'prepare');
    const round = store.rounds.create({
      sampler: 'random',
      budget: 2,
      config: {},
      labelledSampleIds: [],
      owner: 'me',
    });
    const checkpoint = store.checkpoints.add({
      roundId: round.id,
      path: 'm',
      config: {},
      backend: 'cpu',
      metrics: {},
    });
    store.predictions.put(round.id, checkpoint, 2, [prediction(sampleIds[0]!)]);
    store.queue.putRanking(round.id, [{ sampleId: sampleIds[0]!, score: 1, reason: {} }]);
    for (let i = 0; i < 3; i++) {
      store.rounds.latest();
      store.rounds.list();
      store.checkpoints.latest();
      store.predictions.latest(sampleIds[0]!);
      store.queue.count(round.id);
      store.queue.list(round.id, { status: 'new', afterRank: 0, limit: 10 });
      store.queue.claimNext(round.id, alice);
      store.accounts.idOf('alice');
      store.listSamples({ split: 'pool', after: 0, limit: 10 });
      store.counts();
      save(alice, [joint(i, i), joint(1, 1)]);
      store.annotations.history(sampleIds[0]!);
    }
    store.rounds.setStage(round.id, 'done');
    store.annotations.undo(sampleIds[0]!, alice);
    store.annotations.redo(sampleIds[0]!, alice);
    expect(spy).not.toHaveBeenCalled();
  });

  it('records the prediction an annotation started from, and refuses one of another sample', () => {
    const checkpoint = store.checkpoints.add({
      roundId: null,
      path: 'm',
      config: {},
      backend: 'cpu',
      metrics: {},
    });
    store.predictions.put(null, checkpoint, 4, [prediction(sampleIds[0]!), prediction(sampleIds[1]!)]);
    const shown = store.predictions.latest(sampleIds[0]!)!;
    const other = store.predictions.latest(sampleIds[1]!)!;
    expect(shown.id).not.toBe(other.id);

    expect(() => save(alice, [joint(1, 2), joint(4, 5)], { fromPredictionId: other.id })).toThrow(
      /prediction \d+ is not a prediction of sample/,
    );
    expect(store.annotations.get(sampleIds[0]!)).toBeNull();

    const first = save(alice, [joint(1, 2), joint(4, 5)], { fromPredictionId: shown.id });
    expect(first.fromPredictionId).toBe(shown.id);
    // Later saves (no prediction shown: the editor started from the annotation) keep it.
    expect(save(alice, [joint(2, 2), joint(4, 5)]).fromPredictionId).toBe(shown.id);
    expect(store.predictions.get(shown.id)!.passes).toBe(4);
  });

  it("undoes and redoes only the annotator's own edits, never over someone else's", () => {
    const a1 = [joint(1, 1), joint(2, 2)];
    const b1 = [joint(5, 5), joint(2, 2)];
    const a2 = [joint(5, 5), joint(7, 7)];
    save(alice, a1);
    save(bob, b1);
    // Alice's latest edit is no longer what the sample shows: her undo would discard Bob's edit.
    expect(() => store.annotations.undo(sampleIds[0]!, alice)).toThrow(/changed by bob after your edit/);
    expect(store.annotations.get(sampleIds[0]!)!.joints).toEqual(b1);
    // Bob undoes his own edit (back to Alice's), then Alice can undo hers.
    expect(store.annotations.undo(sampleIds[0]!, bob)!.joints).toEqual(a1);
    expect(store.annotations.undo(sampleIds[0]!, alice)).toBeNull();
    // Bob's redo would land on a state he did not edit from: refused.
    expect(() => store.annotations.redo(sampleIds[0]!, bob)).toThrow(/after your edit; redo/);
    expect(store.annotations.redo(sampleIds[0]!, alice)!.joints).toEqual(a1);
    expect(store.annotations.redo(sampleIds[0]!, bob)!.joints).toEqual(b1);

    save(alice, a2);
    // Bob has nothing of his in effect after Alice's edit? He has b1 in effect, but the sample shows a2.
    expect(() => store.annotations.undo(sampleIds[0]!, bob)).toThrow(/changed by alice/);
    expect(store.annotations.undo(sampleIds[0]!, alice)!.joints).toEqual(b1);
    // A third annotator with no edits of their own has nothing to undo.
    expect(() => store.annotations.undo(sampleIds[0]!, store.accounts.idOf('carol'))).toThrow(
      /none of your edits to undo/,
    );
  });

  it('keeps a round, its checkpoint, predictions and queue apart, and abandon removes the outputs', () => {
    const round = store.rounds.create({
      sampler: 'random',
      budget: 2,
      config: { mc: 3 },
      labelledSampleIds: [],
      owner: 'me',
    });
    expect(() =>
      store.rounds.create({ sampler: 'random', budget: 2, config: {}, labelledSampleIds: [], owner: 'me' }),
    ).toThrow(/round 1 is still running/);
    const checkpoint = store.checkpoints.add({
      roundId: round.id,
      path: 'r1',
      config: {},
      backend: 'cpu',
      metrics: {},
    });
    expect(store.rounds.get(round.id)!.checkpointId).toBe(checkpoint);
    store.predictions.put(round.id, checkpoint, 3, [prediction(sampleIds[0]!)]);
    store.queue.putRanking(round.id, [
      { sampleId: sampleIds[1]!, score: 2, reason: { why: 'b' } },
      { sampleId: sampleIds[0]!, score: 1, reason: { why: 'a' } },
    ]);
    expect(store.queue.append(round.id, [{ sampleId: sampleIds[0]!, score: 0, reason: {} }])).toBe(0);
    expect(store.queue.append(round.id, [{ sampleId: sampleIds[2]!, score: 0, reason: {} }])).toBe(1);
    expect(store.queue.list(round.id, { afterRank: 0, limit: 10 }).map((q) => q.rank)).toEqual([1, 2, 3]);
    expect(store.queue.claimNext(round.id, alice)).toMatchObject({
      sampleId: sampleIds[1],
      assignee: 'alice',
    });
    expect(store.queue.claimNext(round.id, bob)).toMatchObject({ sampleId: sampleIds[0], assignee: 'bob' });
    expect(store.queue.claimNext(round.id, alice)).toMatchObject({ sampleId: sampleIds[1] });
    expect(store.queue.setStatus(round.id, sampleIds[1]!, 'done', alice).status).toBe('done');
    expect(store.queue.count(round.id, 'done')).toBe(1);

    store.rounds.abandon(round.id, 'cancelled', 'stopped');
    expect(store.rounds.get(round.id)).toMatchObject({ status: 'cancelled', error: 'stopped' });
    expect(store.queue.count(round.id)).toBe(0);
    expect(store.predictions.latest(sampleIds[0]!)).toBeNull();
    expect(store.checkpoints.latest()!.id).toBe(checkpoint);
  });

  it('queue items carry their round number and the sample id of the nearest centre their reason names', () => {
    const [x, y, z] = sampleIds as [number, number, number];
    // x and y form the round's labelled snapshot (predicted for the round); z was picked.
    const round = store.rounds.create({
      sampler: 'coreset',
      budget: 1,
      config: {},
      owner: 'test',
      labelledSampleIds: [x, y],
    });
    const checkpointId = store.checkpoints.add({
      roundId: round.id,
      path: 'c',
      config: {},
      backend: 'b',
      metrics: {},
    });
    store.predictions.put(round.id, checkpointId, 1, [prediction(x), prediction(y), prediction(z)]);
    store.queue.putRanking(round.id, [
      {
        sampleId: z,
        score: 1,
        reason: { kind: 'coreset', nearest: { set: 'labelled', index: 1 }, sentence: 's' },
      },
    ]);
    const [item] = store.queue.list(round.id, { afterRank: 0, limit: 10 });
    expect(item).toMatchObject({ roundNumber: round.number, sampleId: z });
    expect(item!.reason).toMatchObject({ nearest: { set: 'labelled', index: 1 }, nearestSampleId: y });
  });
});
