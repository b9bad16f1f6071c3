import { cpSync, readFileSync, readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSuite } from '../../helpers/app';
import { fixture } from '../datasets/fixtures';

const lead = { annotator: 'lead' };

/**
 * Zero-shot suggestions on real photos (the MPII fixture: 5 people) through the app: the shipped MoveNet runs in a
 * worker, its keypoints land on the MPII layout with neck/head top/pelvis/thorax derived, the suggestion carries
 * its provenance, and COCO results export the detector's scores.
 */
describe('pretrained (zero-shot) suggestions for RGB projects', () => {
  const suite = appSuite(async (app) => {
    await app.call('project.init', { dir: project, skeleton: 'mpii16' }, lead);
    await app.call('dataset.import', { project, format: 'mpii', root: fixture('mpii'), split: 'test' }, lead);
  }, 120_000);
  const project = join(suite.dir, 'mpii');

  it('suggests every person, flags the derived joints and scores well on real photos', async () => {
    const result = await suite.app.call('model.zeroShot', { project }, lead);
    if (result.modality !== 'rgb') throw new Error('expected a people result');
    expect(result.predicted).toBe(5);
    expect(result.evaluated).toBe(5);
    expect(result.model).toBe('MoveNet Thunder');
    expect(result.derivedJoints.sort()).toEqual(['head_top', 'neck', 'pelvis', 'thorax']);
    // Real people, a real detector: far above any mean pose, not a precise figure (eval:pretrained reports it).
    expect(result.pckh).toBeGreaterThan(0.8);
    expect(result.testPckh).toBe(result.pckh);
  }, 180_000);

  it('shows the suggestion with its provenance and fills the editor from it', async () => {
    const [first] = (await suite.app.call('samples.list', { project, limit: 1 }, lead)).items;
    const view = (await suite.app.call('prediction.get', { project, sampleId: first!.id }, lead))!;
    expect(view.source.kind).toBe('pretrained');
    expect(view.source.label).toBe('MoveNet Thunder');
    expect(view.source.derived.sort((a, b) => a - b)).toEqual([0, 1, 14, 15]);
    expect(view.joints).toHaveLength(16);
    expect(view.joints.every((joint) => joint.u !== null && joint.v !== null)).toBe(true);
  });

  it('re-running replaces the suggestions instead of piling them up', async () => {
    await suite.app.call('model.zeroShot', { project, model: 'thunder' }, lead);
    const [first] = (await suite.app.call('samples.list', { project, limit: 1 }, lead)).items;
    const before = (await suite.app.call('prediction.get', { project, sampleId: first!.id }, lead))!.id;
    await suite.app.call('model.zeroShot', { project, sampleIds: [first!.id] }, lead);
    const after = (await suite.app.call('prediction.get', { project, sampleId: first!.id }, lead))!.id;
    expect(after).toBeGreaterThan(before);
    const info = await suite.app.call('project.info', { project }, lead);
    expect(info.rounds).toEqual([]);
  }, 180_000);

  it('exports COCO results with the detector scores as keypoint confidences', async () => {
    const out = join(suite.dir, 'results.json');
    await suite.app.call(
      'export.run',
      { project, format: 'coco-results', out, split: 'all', status: 'all' },
      lead,
    );
    const results = JSON.parse(readFileSync(out, 'utf8')) as { keypoints: number[]; score: number }[];
    expect(results).toHaveLength(5);
    for (const result of results) {
      expect(result.keypoints).toHaveLength(16 * 3);
      const scores = result.keypoints.filter((_, i) => i % 3 === 2);
      expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
      expect(scores.some((s) => s < 0.999)).toBe(true);
    }
  });

  it('leaves out an image that no longer decodes instead of failing', async () => {
    const copy = join(suite.dir, 'mpii-copy');
    cpSync(fixture('mpii'), copy, { recursive: true });
    const damaged = join(suite.dir, 'damaged');
    await suite.app.call('project.init', { dir: damaged, skeleton: 'mpii16' }, lead);
    await suite.app.call(
      'dataset.import',
      { project: damaged, format: 'mpii', root: copy, split: 'test' },
      lead,
    );
    const jpeg = readdirSync(copy).find((name) => name.endsWith('.jpg'))!;
    truncateSync(join(copy, jpeg), 2000);
    const result = await suite.app.call('model.zeroShot', { project: damaged }, lead);
    expect(result.predicted).toBe(4);
    expect(result.skipped).toBe(1);
  }, 180_000);
});
