import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import type { QueueItem } from '../../../src/shared/contract';
import type { Joint } from '../../../src/shared/domain';
import { testApp } from '../../helpers/app';
import { tempDir } from '../../helpers/tmp';
import { as, readJson } from './setup';

describe('provenance of a sample selected by a round and corrected', () => {
  const tmp = tempDir('poseloop-export-');
  const project = join(tmp.dir, 'demo');
  let app: App;
  let picked: QueueItem;
  let predicted: Joint[];
  let checkpointId: number;
  let roundId: number;

  beforeAll(async () => {
    app = testApp(tmp.dir);
    await app.call('project.init', { dir: project, demo: true, demoSize: 'tiny' }, as('lead'));
    const round = await app.call(
      'round.run',
      { project, sampler: 'uncertainty', budget: 3, mc: 2, preset: 'fast', seed: 3 },
      as('lead'),
    );
    roundId = round.id;
    checkpointId = app.deps.projects.get(project).store.rounds.get(round.id)!.checkpointId!;
    picked = (await app.call('queue.next', { project }, as('alice')))!;
    const prediction = (await app.call(
      'prediction.get',
      { project, sampleId: picked.sampleId },
      as('alice'),
    ))!;
    predicted = prediction.joints.map((j) => ({
      u: j.u,
      v: j.v,
      d: j.d,
      visibility: 'visible',
      state: 'predicted',
    }));
    // alice accepts most joints, moves two and marks one occluded (two saves); bob finishes it.
    const first = await app.call(
      'annotation.save',
      {
        project,
        sampleId: picked.sampleId,
        joints: predicted.map((j, i) => ({
          ...j,
          state: i === 3 ? ('moved' as const) : ('accepted' as const),
          u: i === 3 ? j.u! + 4 : j.u,
        })),
        baseRevision: 0,
        status: 'in_progress',
        secondsSpent: 12,
      },
      as('alice'),
    );
    await app.call(
      'annotation.save',
      {
        project,
        sampleId: picked.sampleId,
        joints: first.joints.map((j, i) =>
          i === 8
            ? { ...j, v: j.v! - 2, state: 'moved' as const }
            : i === 12
              ? { ...j, visibility: 'occluded' as const }
              : j,
        ),
        baseRevision: first.revision,
        status: 'done',
        secondsSpent: 8.5,
      },
      as('bob'),
    );
    await app.call('queue.set', { project, sampleId: picked.sampleId, status: 'done' }, as('bob'));
  }, 180_000);
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('json3d: round, sampler, rank, score, model, prediction before correction, annotators, time, joints, edits', async () => {
    const out = join(tmp.dir, 'round.json');
    const result = await app.call('export.run', { project, format: 'json3d', out, roundId }, as('lead'));
    expect(result.samples).toBe(1);
    const doc = await readJson<{
      skeleton: { id: string };
      datasets: { intrinsics: unknown }[];
      samples: {
        id: number;
        joints: { uvd: number[]; xyz: number[]; visibility: string; state: string }[];
        provenance: Record<string, unknown> & { prediction: { uvd: number[] } };
      }[];
    }>(out);
    const [sample] = doc.samples;
    expect(sample!.id).toBe(picked.sampleId);
    expect(doc.datasets[0]!.intrinsics).toMatchObject({ fx: 241.42, cx: 160 });
    expect(sample!.joints[12]!.visibility).toBe('occluded');
    expect(sample!.joints[3]!.state).toBe('moved');
    const [u, v, d] = sample!.joints[0]!.uvd as [number, number, number];
    expect(sample!.joints[0]!.xyz).toEqual([((u - 160) * d) / 241.42, ((v - 120) * d) / 241.42, d]);
    expect(sample!.provenance).toMatchObject({
      sampleId: picked.sampleId,
      status: 'done',
      exportedState: 'current',
      round: { id: roundId, number: 1, sampler: 'uncertainty', rank: picked.rank, score: picked.score },
      model: { checkpointId, roundId },
      annotators: ['alice', 'bob'],
      lastAnnotator: 'bob',
      secondsSpent: 20.5,
      joints: { accepted: 19, moved: 2, predicted: 0, created: 0, movedOrCreated: [3, 8] },
      visibility: { visible: 20, occluded: 1, absent: 0 },
      edits: 2,
    });
    expect(sample!.provenance.prediction).toMatchObject({ roundId, checkpointId, passes: 2 });
    expect(sample!.provenance.prediction.uvd).toEqual(predicted.flatMap((j) => [j.u, j.v, j.d]));
    expect((sample!.provenance.round as { reason: unknown }).reason).toBeTypeOf('object');
  });

  it('filters by round and sampler select the round’s corrected picks only', async () => {
    const bySampler = await app.call('export.preview', { project, sampler: 'uncertainty' }, as('lead'));
    expect(bySampler.samples).toBe(1);
    expect(bySampler.byRound).toEqual([{ roundId, number: 1, sampler: 'uncertainty', samples: 1 }]);
    expect(bySampler.byAnnotator).toEqual([{ annotator: 'bob', samples: 1 }]);
    const all = await app.call('export.preview', { project, roundId, status: 'all' }, as('lead'));
    expect(all.samples).toBe(3);
    expect((await app.call('export.preview', { project, sampler: 'coreset' }, as('lead'))).samples).toBe(0);
    await expect(app.call('export.preview', { project, roundId: 99 }, as('lead'))).rejects.toMatchObject({
      code: 'not_found',
      field: 'roundId',
    });
  });

  it('csv: provenance columns on every joint row', async () => {
    const out = join(tmp.dir, 'round.csv');
    await app.call('export.run', { project, format: 'csv', out, roundId }, as('lead'));
    const [header, ...rows] = (await readFile(out, 'utf8')).trim().split('\n');
    const columns = header!.split(',');
    expect(rows).toHaveLength(21);
    const row = Object.fromEntries(rows[12]!.split(',').map((cell, i) => [columns[i], cell]));
    expect(row).toMatchObject({
      sample_id: String(picked.sampleId),
      joint: '12',
      joint_name: 'middle_tip',
      visibility: 'occluded',
      state: 'accepted',
      round_id: String(roundId),
      sampler: 'uncertainty',
      rank: String(picked.rank),
      checkpoint_id: String(checkpointId),
      annotators: 'alice;bob',
      seconds_spent: '20.5',
      joints_moved: '2',
      joints_accepted: '19',
      edits: '2',
    });
    expect(Number(row.pred_u)).toBe(predicted[12]!.u);
    expect(Number(row.score)).toBe(picked.score);
  });
});
