import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import { testApp } from '../../helpers/app';
import { tempDir } from '../../helpers/tmp';
import { HAND21, NYU14, jointIndexMap } from '../../../src/shared/skeletons';
import { fixture } from '../datasets/fixtures';

const lead = { annotator: 'lead' };

/**
 * The shipped depth-hand model end to end at toy size: `model.pretrain` writes a checkpoint with a manifest whose
 * hashes match the files, a new hand project gets zero-shot suggestions from it with provenance "pretrained" (and
 * an MC σ), the test split is scored on first use, and a damaged or mismatched model is refused by name.
 */
describe('pretrained depth-hand model', () => {
  const tmp = tempDir();
  const models = join(tmp.dir, 'models');
  const out = join(models, 'deepprior-fast-hand21');
  const project = join(tmp.dir, 'hands');
  const previous = process.env['POSELOOP_MODELS_DIR'];
  let app: App;

  beforeAll(async () => {
    process.env['POSELOOP_MODELS_DIR'] = models;
    app = testApp(tmp.dir);
    await app.call('model.pretrain', { out, frames: 30, testFrames: 6, epochs: 1, seed: 5 }, lead);
    await app.call('project.init', { dir: project, skeleton: 'hand21', demo: true, demoSize: 'tiny' }, lead);
  }, 240_000);
  afterAll(async () => {
    await app.close();
    if (previous === undefined) delete process.env['POSELOOP_MODELS_DIR'];
    else process.env['POSELOOP_MODELS_DIR'] = previous;
    tmp.cleanup();
  });

  it('writes a manifest that names the command, the data and each file’s sha256', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.command).toBe(
      'poseloop pretrain --modality depth --frames 30 --test-frames 6 --epochs 1 --seed 5 --viewpoints real',
    );
    expect(manifest.data).toMatchObject({ viewpoints: 'real', seed: 5, camera: 'icvl' });
    expect(manifest.data.trainFrames).toBeGreaterThan(20);
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(['checkpoint.json', 'weights.bin']);
    for (const file of manifest.files) {
      const bytes = readFileSync(join(out, file.name));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      expect(bytes.length).toBe(file.bytes);
    }
    expect(typeof manifest.metrics.testErrorMm).toBe('number');
  });

  it('suggests hands from the first image, with provenance and σ, and scores the test split once', async () => {
    const pool = await app.call('samples.list', { project, split: 'pool', limit: 3 }, lead);
    const ids = pool.items.map((s) => s.id);
    const result = await app.call('model.zeroShot', { project, sampleIds: ids }, lead);
    if (result.modality !== 'depth') throw new Error('expected a depth result');
    expect(result.predicted + result.skipped).toBe(3);
    expect(result.predicted).toBeGreaterThan(0);
    expect(result.evaluated).toBe(0); // pool labels are hidden
    expect(result.testErrorMm).toBeGreaterThan(0);
    // σ calibrated on the project's own labelled (seed) frames, which the model never saw.
    const row = app.deps.projects.get(project).store.checkpoints.pretrainedModels()[0]!;
    expect(row.metrics['sigmaScale']).toBeGreaterThan(0);
    expect(row.metrics['aleatoricScale']).toBeGreaterThan(0);
    const view = await app.call('prediction.get', { project, sampleId: ids[0]! }, lead);
    expect(view?.source).toMatchObject({ kind: 'pretrained', label: 'DeepPrior fast, synthetic hands' });
    expect(view?.passes).toBe(20);
    expect(view?.joints).toHaveLength(21);
    expect(view?.joints.every((j) => j.stdPx !== null && Number.isFinite(j.u))).toBe(true);
    // A rerun replaces the suggestion instead of piling up rows.
    await app.call('model.zeroShot', { project, sampleIds: [ids[0]!] }, lead);
    const again = await app.call('prediction.get', { project, sampleId: ids[0]! }, lead);
    expect(again?.id).not.toBe(view?.id);
  }, 240_000);

  it('makes the first training of a hand project fine-tune the shipped model; the next fine-tunes its own', async () => {
    const first = await app.call('model.train', { project, epochs: 1 }, lead);
    if (first.model !== 'deepprior') throw new Error('expected a depth result');
    expect(first.initialCheckpoint).toEqual({ id: expect.any(Number), path: out });
    const second = await app.call('model.train', { project, epochs: 1 }, lead);
    if (second.model !== 'deepprior') throw new Error('expected a depth result');
    expect(second.initialCheckpoint?.id).toBe(first.checkpointId);
  }, 240_000);

  it('refuses a damaged model, naming the file', async () => {
    const damaged = join(tmp.dir, 'damaged');
    cpSync(models, damaged, { recursive: true });
    const weights = join(damaged, 'deepprior-fast-hand21', 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(weights, bytes);
    process.env['POSELOOP_MODELS_DIR'] = damaged;
    try {
      await expect(app.call('model.zeroShot', { project, split: 'pool' }, lead)).rejects.toThrow(
        /weights\.bin does not match its sha256/,
      );
    } finally {
      process.env['POSELOOP_MODELS_DIR'] = models;
    }
  });

  it('maps onto another hand layout through the canonical hand (a real NYU frame), never inventing joints', async () => {
    const nyu = join(tmp.dir, 'nyu');
    await app.call('project.init', { dir: nyu, skeleton: 'nyu14' }, lead);
    await app.call(
      'dataset.import',
      { project: nyu, format: 'nyu', root: fixture('nyu'), split: 'test' },
      lead,
    );
    const result = await app.call('model.zeroShot', { project: nyu, split: 'test' }, lead);
    if (result.modality !== 'depth') throw new Error('expected a depth result');
    expect(result.predicted).toBe(1);
    expect(result.evaluated).toBe(1);
    expect(result.errorMm).toBeGreaterThan(0);
    const mapped = jointIndexMap(HAND21, NYU14);
    expect(result.unpredictedJoints).toEqual(NYU14.joints.filter((_, j) => mapped[j] === null));
    const [sample] = (await app.call('samples.list', { project: nyu, split: 'test' }, lead)).items;
    const view = await app.call('prediction.get', { project: nyu, sampleId: sample!.id }, lead);
    expect(view?.joints.map((j) => j.u !== null)).toEqual(mapped.map((source) => source !== null));
    expect(view?.source.unpredicted).toEqual(mapped.flatMap((source, j) => (source === null ? [j] : [])));
  });
});
