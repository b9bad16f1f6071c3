import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import { learningCurves } from '../../../src/main/app/simulate';
import { tempDir } from '../../helpers/tmp';
import { testApp } from '../../helpers/app';

describe('simulate', () => {
  const tmp = tempDir();
  const project = join(tmp.dir, 'demo');
  const out = join(tmp.dir, 'sim');
  let app: App;
  const settings = {
    project,
    out,
    samplers: 'coreset',
    trials: 2,
    rounds: 2,
    budget: 4,
    seedSize: 8,
    epochs: 1,
    mc: 2,
    preset: 'fast' as const,
  };

  beforeAll(async () => {
    app = testApp(tmp.dir);
    await app.call('project.init', { dir: project, demo: true, demoSize: 'tiny' }, { annotator: 'lead' });
  }, 120_000);
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('runs paired trials per sampler, always with random, and writes curves', async () => {
    const result = await app.call('experiment.simulate', settings, { annotator: 'lead' });
    expect(Object.keys(result.curves).sort()).toEqual(['coreset', 'random']);
    for (const curve of Object.values(result.curves)) {
      expect(curve.map((p) => p.labelled)).toEqual([8, 12]);
      expect(curve.every((p) => p.trials === 2 && p.mean > 0)).toBe(true);
    }
    // Paired pools: round 0 trains on the same seed set with the same seed, whatever the sampler.
    expect(result.curves.coreset![0]!.mean).toBeCloseTo(result.curves.random![0]!.mean, 6);
    expect(readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 2 * 2 * 2);
    const svg = readFileSync(join(out, 'curves.svg'), 'utf8');
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    expect(svg).toContain('>coreset</text>');
    expect(svg).toContain('>random</text>');
    expect(existsSync(join(out, 'models'))).toBe(false);
    // The project itself is untouched: no rounds, no checkpoints, no revealed labels.
    const info = await app.call('project.info', { project }, { annotator: 'lead' });
    expect(info.rounds).toEqual([]);
  }, 240_000);

  it('resumes from saved results and refuses other settings in the same folder', async () => {
    const again = await app.call('experiment.simulate', settings, { annotator: 'lead' });
    expect(again.curves.coreset).toHaveLength(2);
    await expect(
      app.call('experiment.simulate', { ...settings, budget: 5 }, { annotator: 'lead' }),
    ).rejects.toThrow(/other settings/);
  });

  it('computes population mean and std per labelled count', () => {
    const rows = [
      { sampler: 'random', trial: 0, round: 0, labelled: 10, value: 10, picks: [] },
      { sampler: 'random', trial: 1, round: 0, labelled: 10, value: 14, picks: [] },
    ];
    expect(learningCurves(rows)).toEqual({
      random: [{ labelled: 10, mean: 12, std: 2, trials: 2 }],
    });
  });
});
