import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import { testApp } from '../../helpers/app';
import { writeDlcMouse } from '../../helpers/dlc-mouse';
import { tempDir } from '../../helpers/tmp';

/** The heatmap learner on a skeleton that is not a person: no head, no torso; PCK uses the pose box (pckSizes). */
describe('training on a custom skeleton (DeepLabCut mouse)', () => {
  const tmp = tempDir('poseloop-mouse-train-');
  const project = join(tmp.dir, 'project');
  const lead = { annotator: 'lead' };
  let app: App;

  beforeAll(async () => {
    app = testApp(tmp.dir);
    await writeDlcMouse(join(tmp.dir, 'train'));
    await writeDlcMouse(join(tmp.dir, 'test'));
    await app.call('project.init', { dir: project }, lead);
    await app.call('dataset.import', { project, format: 'dlc', root: join(tmp.dir, 'train') }, lead);
    await app.call(
      'dataset.import',
      { project, format: 'dlc', root: join(tmp.dir, 'test'), split: 'test' },
      lead,
    );
  }, 60_000);
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('trains, evaluates with the pose-box PCK and predicts the pool', async () => {
    const trained = await app.call('model.train', { project, epochs: 1, preset: 'fast', mc: 2 }, lead);
    const pckh = 'testPckh' in trained ? trained.testPckh : null;
    expect(pckh).toBeGreaterThanOrEqual(0);
    expect(pckh).toBeLessThanOrEqual(1);
    const predicted = await app.call('model.predict', { project, mc: 2 }, lead);
    expect(predicted.predicted).toBeGreaterThan(0);
  }, 300_000);
});
