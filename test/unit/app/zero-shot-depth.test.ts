import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkedManifest, pretrainedSuite } from '../../helpers/pretrained';
import { HAND21, NYU14, jointIndexMap } from '../../../src/shared/skeletons';
import { fixture } from '../datasets/fixtures';

const lead = { annotator: 'lead' };

/**
 * The shipped depth-hand model end to end at toy size: `model.pretrain` writes a checkpoint with a manifest whose
 * hashes match the files, a new hand project gets zero-shot suggestions from it with provenance "pretrained" (and
 * an MC σ), the test split is scored on first use, and a damaged or mismatched model is refused by name.
 */
describe('pretrained depth-hand model', () => {
  const suite = pretrainedSuite(async (app, models) => {
    await suite.app.call(
      'model.pretrain',
      { out: join(models, 'deepprior-fast-hand21'), frames: 30, testFrames: 6, epochs: 1, seed: 5 },
      lead,
    );
    await suite.app.call(
      'project.init',
      { dir: project, skeleton: 'hand21', demo: true, demoSize: 'tiny' },
      lead,
    );
  });
  const out = () => join(suite.models, 'deepprior-fast-hand21');
  const project = join(suite.dir, 'hands');

  it('writes a manifest that names the command, the data and each file’s sha256', () => {
    const manifest = checkedManifest(out());
    // The training threads default to one per core; the command names them, since they shape the weights.
    expect(manifest.command).toBe(
      `poseloop pretrain --modality depth --frames 30 --test-frames 6 --epochs 1 --seed 5 --viewpoints real --workers ${manifest.training.workers}`,
    );
    expect(manifest.training.workers).toBeGreaterThanOrEqual(1);
    expect(manifest.data).toMatchObject({ viewpoints: 'real', seed: 5, camera: 'icvl' });
    expect(manifest.data.trainFrames).toBeGreaterThan(20);
    expect(typeof manifest.metrics.testErrorMm).toBe('number');
  });

  it('suggests hands from the first image, with provenance and σ, and scores the test split once', async () => {
    const pool = await suite.app.call('samples.list', { project, split: 'pool', limit: 3 }, lead);
    const ids = pool.items.map((s) => s.id);
    const result = await suite.app.call('model.zeroShot', { project, sampleIds: ids }, lead);
    if (result.modality !== 'depth') throw new Error('expected a depth result');
    expect(result.predicted + result.skipped).toBe(3);
    expect(result.predicted).toBeGreaterThan(0);
    expect(result.evaluated).toBe(0); // pool labels are hidden
    expect(result.testErrorMm).toBeGreaterThan(0);
    // σ calibrated on the project's own labelled (seed) frames, which the model never saw.
    const row = suite.app.deps.projects.get(project).store.checkpoints.pretrainedModels()[0]!;
    expect(row.metrics['sigmaScale']).toBeGreaterThan(0);
    expect(row.metrics['aleatoricScale']).toBeGreaterThan(0);
    const view = await suite.app.call('prediction.get', { project, sampleId: ids[0]! }, lead);
    expect(view?.source).toMatchObject({ kind: 'pretrained', label: 'DeepPrior fast, synthetic hands' });
    expect(view?.passes).toBe(20);
    expect(view?.joints).toHaveLength(21);
    expect(view?.joints.every((j) => j.stdPx !== null && Number.isFinite(j.u))).toBe(true);
    // A rerun replaces the suggestion instead of piling up rows.
    await suite.app.call('model.zeroShot', { project, sampleIds: [ids[0]!] }, lead);
    const again = await suite.app.call('prediction.get', { project, sampleId: ids[0]! }, lead);
    expect(again?.id).not.toBe(view?.id);
  }, 240_000);

  it('makes the first training of a hand project fine-tune the shipped model; the next fine-tunes its own', async () => {
    const first = await suite.app.call('model.train', { project, epochs: 1 }, lead);
    if (first.model !== 'deepprior') throw new Error('expected a depth result');
    expect(first.initialCheckpoint).toEqual({ id: expect.any(Number), path: out() });
    const second = await suite.app.call('model.train', { project, epochs: 1 }, lead);
    if (second.model !== 'deepprior') throw new Error('expected a depth result');
    expect(second.initialCheckpoint?.id).toBe(first.checkpointId);
  }, 240_000);

  it('refuses a damaged model, naming the file', async () => {
    const damaged = join(suite.dir, 'damaged');
    cpSync(suite.models, damaged, { recursive: true });
    const weights = join(damaged, 'deepprior-fast-hand21', 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(weights, bytes);
    process.env['POSELOOP_MODELS_DIR'] = damaged;
    try {
      await expect(suite.app.call('model.zeroShot', { project, split: 'pool' }, lead)).rejects.toThrow(
        /weights\.bin does not match its sha256/,
      );
    } finally {
      process.env['POSELOOP_MODELS_DIR'] = suite.models;
    }
  });

  it('maps onto another hand layout through the canonical hand (a real NYU frame), never inventing joints', async () => {
    const nyu = join(suite.dir, 'nyu');
    await suite.app.call('project.init', { dir: nyu, skeleton: 'nyu14' }, lead);
    await suite.app.call(
      'dataset.import',
      { project: nyu, format: 'nyu', root: fixture('nyu'), split: 'test' },
      lead,
    );
    const result = await suite.app.call('model.zeroShot', { project: nyu, split: 'test' }, lead);
    if (result.modality !== 'depth') throw new Error('expected a depth result');
    expect(result.predicted).toBe(1);
    expect(result.evaluated).toBe(1);
    expect(result.errorMm).toBeGreaterThan(0);
    const mapped = jointIndexMap(HAND21, NYU14);
    expect(result.unpredictedJoints).toEqual(NYU14.joints.filter((_, j) => mapped[j] === null));
    const [sample] = (await suite.app.call('samples.list', { project: nyu, split: 'test' }, lead)).items;
    const view = await suite.app.call('prediction.get', { project: nyu, sampleId: sample!.id }, lead);
    expect(view?.joints.map((j) => j.u !== null)).toEqual(mapped.map((source) => source !== null));
    expect(view?.source.unpredicted).toEqual(mapped.flatMap((source, j) => (source === null ? [j] : [])));
  });
});
