import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkedManifest, pretrainedSuite } from '../../helpers/pretrained';
import { fixture } from '../datasets/fixtures';

const lead = { annotator: 'lead' };

/**
 * The shipped people model at toy size: `model.pretrain --modality rgb` writes the heatmap hourglass with a manifest
 * whose hashes match its files, an MPII16 project's first training fine-tunes it (its second fine-tunes its own), and
 * a project with another skeleton starts from its own weights instead.
 */
describe('pretrained people model', () => {
  const suite = pretrainedSuite(async (app, models) => {
    await app.call(
      'model.pretrain',
      {
        modality: 'rgb',
        out: join(models, 'hourglass-fast-mpii16'),
        frames: 30,
        testFrames: 6,
        epochs: 1,
        seed: 5,
      },
      lead,
    );
  });
  const out = () => join(suite.models, 'hourglass-fast-mpii16');

  it('writes a manifest that names the command, the data and each file’s sha256', () => {
    const manifest = checkedManifest(out());
    expect(manifest.command).toBe(
      `poseloop pretrain --modality rgb --frames 30 --test-frames 6 --epochs 1 --seed 5 --workers ${manifest.training.workers}`,
    );
    expect(manifest).toMatchObject({ model: 'hourglass', skeleton: 'mpii16' });
    expect(manifest.data).toMatchObject({ imageSize: 128, seed: 5, testFrames: 6 });
    expect(manifest.data.camera).toBeUndefined();
    expect(manifest.data.trainFrames).toBeGreaterThan(20);
    expect(typeof manifest.metrics.testPckh).toBe('number');
    expect(typeof manifest.metrics.meanPosePckh).toBe('number');
  });

  it('makes an MPII16 project’s first training fine-tune it; the next fine-tunes its own', async () => {
    const project = join(suite.dir, 'people');
    await suite.app.call(
      'project.init',
      { dir: project, skeleton: 'mpii16', demo: true, demoSize: 'tiny' },
      lead,
    );
    const first = await suite.app.call('model.train', { project, epochs: 1 }, lead);
    if (first.model !== 'hourglass') throw new Error('expected a heatmap result');
    expect(first.initialCheckpoint).toEqual({ id: expect.any(Number), path: out() });
    const row = suite.app.deps.projects.get(project).store.checkpoints.pretrainedModels()[0]!;
    expect(row.config).toMatchObject({ model: 'hourglass', name: 'hourglass-fast-mpii16' });
    const second = await suite.app.call('model.train', { project, epochs: 1 }, lead);
    if (second.model !== 'hourglass') throw new Error('expected a heatmap result');
    expect(second.initialCheckpoint?.id).toBe(first.checkpointId);
  }, 240_000);

  it('continues a pretrained model on a fresh corpus (--from), keeping its earlier run in the manifest', async () => {
    const first = checkedManifest(out());
    const next = join(suite.dir, 'continued');
    const request = { modality: 'rgb', frames: 20, testFrames: 4, epochs: 1, seed: 9, workers: 1 } as const;
    const { manifest } = await suite.app.call('model.pretrain', { ...request, out: next, from: out() }, lead);
    expect(manifest.command).toBe(
      `poseloop pretrain --modality rgb --frames 20 --test-frames 4 --epochs 1 --seed 9 --workers 1 --from ${out()}`,
    );
    expect(manifest.earlier).toEqual([
      {
        command: first.command,
        poseloop: first.poseloop,
        data: first.data,
        training: first.training,
        metrics: first.metrics,
      },
    ]);
    expect(JSON.parse(readFileSync(join(next, 'checkpoint.json'), 'utf8')).initialCheckpoint).toBe(out());
    await expect(
      suite.app.call('model.pretrain', { ...request, out: next, from: join(suite.dir, 'nowhere') }, lead),
    ).rejects.toThrow(/no pretrained model to continue/);
  }, 240_000);

  it('leaves a project with another skeleton to its own weights', async () => {
    const project = join(suite.dir, 'lsp');
    await suite.app.call('project.init', { dir: project, skeleton: 'lsp14' }, lead);
    await suite.app.call(
      'dataset.import',
      { project, format: 'lsp', root: fixture('lsp'), split: 'train' },
      lead,
    );
    const first = await suite.app.call('model.train', { project, epochs: 1 }, lead);
    expect(first.initialCheckpoint).toBeNull();
  }, 240_000);
});
