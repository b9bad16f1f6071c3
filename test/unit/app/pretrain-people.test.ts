import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import { testApp } from '../../helpers/app';
import { tempDir } from '../../helpers/tmp';
import { fixture } from '../datasets/fixtures';

const lead = { annotator: 'lead' };

/**
 * The shipped people model at toy size: `model.pretrain --modality rgb` writes the heatmap hourglass with a manifest
 * whose hashes match its files, an MPII16 project's first training fine-tunes it (its second fine-tunes its own), and
 * a project with another skeleton starts from its own weights instead.
 */
describe('pretrained people model', () => {
  const tmp = tempDir();
  const models = join(tmp.dir, 'models');
  const out = join(models, 'hourglass-fast-mpii16');
  const previous = process.env['POSELOOP_MODELS_DIR'];
  let app: App;

  beforeAll(async () => {
    process.env['POSELOOP_MODELS_DIR'] = models;
    app = testApp(tmp.dir);
    await app.call(
      'model.pretrain',
      { modality: 'rgb', out, frames: 30, testFrames: 6, epochs: 1, seed: 5 },
      lead,
    );
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
      'poseloop pretrain --modality rgb --frames 30 --test-frames 6 --epochs 1 --seed 5',
    );
    expect(manifest).toMatchObject({ model: 'hourglass', skeleton: 'mpii16' });
    expect(manifest.data).toMatchObject({ imageSize: 128, seed: 5, testFrames: 6 });
    expect(manifest.data.camera).toBeUndefined();
    expect(manifest.data.trainFrames).toBeGreaterThan(20);
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(['checkpoint.json', 'weights.bin']);
    for (const file of manifest.files) {
      const bytes = readFileSync(join(out, file.name));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    }
    expect(typeof manifest.metrics.testPckh).toBe('number');
    expect(typeof manifest.metrics.meanPosePckh).toBe('number');
  });

  it('makes an MPII16 project’s first training fine-tune it; the next fine-tunes its own', async () => {
    const project = join(tmp.dir, 'people');
    await app.call('project.init', { dir: project, skeleton: 'mpii16', demo: true, demoSize: 'tiny' }, lead);
    const first = await app.call('model.train', { project, epochs: 1 }, lead);
    if (first.model !== 'hourglass') throw new Error('expected a heatmap result');
    expect(first.initialCheckpoint).toEqual({ id: expect.any(Number), path: out });
    const row = app.deps.projects.get(project).store.checkpoints.pretrainedModels()[0]!;
    expect(row.config).toMatchObject({ model: 'hourglass', name: 'hourglass-fast-mpii16' });
    const second = await app.call('model.train', { project, epochs: 1 }, lead);
    if (second.model !== 'hourglass') throw new Error('expected a heatmap result');
    expect(second.initialCheckpoint?.id).toBe(first.checkpointId);
  }, 240_000);

  it('leaves a project with another skeleton to its own weights', async () => {
    const project = join(tmp.dir, 'lsp');
    await app.call('project.init', { dir: project, skeleton: 'lsp14' }, lead);
    await app.call('dataset.import', { project, format: 'lsp', root: fixture('lsp'), split: 'train' }, lead);
    const first = await app.call('model.train', { project, epochs: 1 }, lead);
    expect(first.initialCheckpoint).toBeNull();
  }, 240_000);
});
