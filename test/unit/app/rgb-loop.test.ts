import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSuite } from '../../helpers/app';
import { IMPORTED_PREFIX, PRETRAINED_PREFIX } from '../../../src/main/store';

const lead = { annotator: 'lead' };

/**
 * The RGB (human) loop through the app layer on the synthetic people demo: import → round with VL4Pose (heatmap
 * model, one epoch: plumbing, not accuracy — the learner's own tests check that it learns) → predictions with
 * refinement details → label QC → COCO export → a simulate run measured by PCKh.
 */
describe('the RGB active-learning loop', () => {
  const suite = demoSuite({ name: 'people', skeleton: 'mpii16', timeout: 120_000 });
  const { project } = suite;

  it('builds the RGB demo: person boxes, hidden pool labels, RGBA images', async () => {
    const info = await suite.app.call('project.info', { project }, lead);
    expect(info.modality).toBe('rgb');
    expect(info.skeleton).toBe('mpii16');
    expect(info.samples).toMatchObject({ labelled: 24, unlabelled: 60, test: 24 });
    const pool = await suite.app.call('samples.list', { project, split: 'pool', limit: 1 }, lead);
    const first = pool.items[0]!;
    expect(first.modality).toBe('rgb');
    expect(first.box).not.toBeNull();
    expect((await suite.app.call('sample.get', { project, sampleId: first.id }, lead)).annotation).toBeNull();
    const image = await suite.app.call('sample.image', { project, sampleId: first.id }, lead);
    expect(image.meta).toEqual({ width: 128, height: 128, modality: 'rgb', encoding: 'rgba8' });
    expect(image.bytes.byteLength).toBe(128 * 128 * 4);
  });

  it('lists only the heatmap samplers for an RGB project and refuses depth-only ones', async () => {
    const samplers = await suite.app.call('samplers.list', { project }, lead);
    expect(samplers.map((s) => s.id).sort()).toEqual(
      ['aleatoric', 'coreset', 'learning-loss', 'mpe', 'random', 'vl4pose'].sort(),
    );
    await expect(
      suite.app.call('round.run', { project, sampler: 'cke', budget: 4, mc: 2, epochs: 1 }, lead),
    ).rejects.toThrow(/does not apply to rgb projects/);
  });

  it('runs a VL4Pose round (the default for people): queue with link reasons, predictions with refinement details', async () => {
    const round = await suite.app.call(
      'round.run',
      // From fresh weights: fine-tuning the shipped people model could tie MoveNet on this tiny test split.
      { project, budget: 6, mc: 2, preset: 'fast', epochs: 1, fromScratch: true },
      lead,
    );
    expect(round.status).toBe('done');
    expect(round.sampler).toBe('vl4pose');
    expect(round.metrics.testPckh).toBeGreaterThanOrEqual(0);
    expect(round.metrics.testPckh).toBeLessThanOrEqual(1);
    // Counting a joint found on its mirror partner can only add hits.
    expect(round.metrics.testPckhIgnoringSides).toBeGreaterThanOrEqual(round.metrics.testPckh!);
    const queue = await suite.app.call('queue.list', { project }, lead);
    expect(queue.total).toBe(6);
    const item = queue.items[0]!;
    expect(item.reasonDetail.kind).toBe('vl4pose-heatmap');
    expect(item.reason).toMatch(/link/);
    // Lowest likelihood first.
    const scores = queue.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    // A one-epoch model from fresh weights is far below the shipped MoveNet on the test split: the picks are offered MoveNet's suggestions…
    expect(round.metrics.pretrainedTestPckh).toBeGreaterThan(round.metrics.testPckh!);
    expect(round.metrics.pretrainedOffered).toBe(6);
    const prediction = await suite.app.call('prediction.get', { project, sampleId: item.sampleId }, lead);
    expect(prediction!.source).toMatchObject({ kind: 'pretrained', label: 'MoveNet Thunder' });
    expect(prediction!.joints).toHaveLength(16);
    // …while the round's own prediction keeps its link likelihoods and refinement suggestions.
    const own = suite.app.deps.projects
      .get(project)
      .store.predictions.latestOwn(item.sampleId, [PRETRAINED_PREFIX, IMPORTED_PREFIX])!;
    expect(own.roundId).toBe(round.id);
    expect((own.details as { links: unknown[] }).links).toHaveLength(15);
    expect((own.details as { refined: unknown[] }).refined).toHaveLength(16);
    expect(own.loglik).toBeCloseTo(item.score, 6);
    // A pool image outside the queue shows the round's model, flagged so that the annotate view asks MoveNet.
    const queued = new Set(queue.items.map((i) => i.sampleId));
    const { items: pool } = await suite.app.call('samples.list', { project, split: 'pool', limit: 20 }, lead);
    const other = pool.find((sample) => !queued.has(sample.id))!;
    const view = await suite.app.call('prediction.get', { project, sampleId: other.id }, lead);
    expect(view).toMatchObject({ source: { kind: 'project' }, pretrainedScoresHigher: true });
    expect(prediction!.pretrainedScoresHigher).toBe(false);
  }, 180_000);

  it('checks human labels (label QC), measuring lengths in image px', async () => {
    // One label goes wrong: its left wrist dragged to the image corner farthest from the elbow.
    const { items } = await suite.app.call('samples.list', { project, split: 'train', limit: 1 }, lead);
    const sampleId = items[0]!.id;
    const { annotation } = await suite.app.call('sample.get', { project, sampleId }, lead);
    const [elbow, wrist] = [5, 6]; // MPII16: l_elbow, l_wrist
    const joints = annotation!.joints.map((j) => ({ ...j }));
    const e = joints[elbow]!;
    joints[wrist] = { ...joints[wrist]!, u: e.u! < 64 ? 127 : 0, v: e.v! < 64 ? 127 : 0, state: 'moved' };
    await suite.app.call(
      'annotation.save',
      { project, sampleId, joints, baseRevision: annotation!.revision, status: 'done' },
      lead,
    );
    const report = await suite.app.call('labels.qc', { project, split: 'train' }, lead);
    expect(report.checked).toBe(24);
    expect(report.withoutPrediction).toBe(0);
    // 24 labels per link are too few for a link's own spread: every link uses all 360 pooled.
    expect(report.calibration.map((c) => [c.source, c.links])).toEqual(new Array(15).fill(['labels', 360]));
    expect(report.limitZ).toBeCloseTo(3.4029328, 6); // Φ⁻¹(1 − 0.005 / 15)
    const wrong = report.flagged.find((f) => f.sampleId === sampleId)!;
    const link = wrong.flags.find(
      (f) => f.kind === 'unlikely-link' && f.joints.join() === `${elbow},${wrist}`,
    )!;
    const w = joints[wrist]!;
    // The length the annotate view shows, in image px.
    expect(link.lengthPx).toBeCloseTo(Math.hypot(w.u! - e.u!, w.v! - e.v!), 9);
    expect(link.lengthPx!).toBeGreaterThan(link.limitPx!);
    expect(link.sentence).toContain(`is ${link.lengthPx!.toFixed(1)} px long`);
  });

  it('exports the labelled people as COCO keypoints', async () => {
    const out = join(suite.dir, 'people.coco.json');
    const result = await suite.app.call('export.run', { project, format: 'coco', out }, lead);
    expect(result.samples).toBe(48);
    const coco = JSON.parse(readFileSync(out, 'utf8')) as {
      categories: { keypoints: string[] }[];
      annotations: { keypoints: number[] }[];
    };
    expect(coco.categories[0]!.keypoints).toHaveLength(16);
    expect(coco.annotations[0]!.keypoints).toHaveLength(48);
  });

  it('simulates rounds on the RGB demo and reports PCKh learning curves', async () => {
    const out = join(suite.dir, 'sim');
    const result = await suite.app.call(
      'experiment.simulate',
      {
        project,
        out,
        samplers: 'vl4pose',
        trials: 1,
        rounds: 2,
        budget: 4,
        seedSize: 10,
        mc: 2,
        preset: 'fast',
        epochs: 1,
      },
      lead,
    );
    expect(result.metric).toBe('test_pckh');
    expect(Object.keys(result.curves).sort()).toEqual(['random', 'vl4pose']);
    expect(result.curves.vl4pose!.map((p) => p.labelled)).toEqual([10, 14]);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toMatch(/^sampler,trial,round,labelled,test_pckh/);
  }, 300_000);
});
