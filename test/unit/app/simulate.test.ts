import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import { tempDir } from '../../helpers/tmp';
import { TINY_RECOMMEND, testApp } from '../../helpers/app';

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
    subset: 0.5,
    epochs: 1,
    mc: 2,
    preset: 'fast' as const,
  };
  const lead = { annotator: 'lead' };
  const read = (path: string) => readFileSync(path, 'utf8');

  beforeAll(async () => {
    app = testApp(tmp.dir);
    await app.call('project.init', { dir: project, demo: true, demoSize: 'tiny' }, lead);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('runs paired trials per sampler, always with random, with CIs, gaps, cost and a report', async () => {
    const result = await app.call('experiment.simulate', settings, lead);
    expect(Object.keys(result.curves).sort()).toEqual(['coreset', 'random']);
    for (const curve of Object.values(result.curves)) {
      expect(curve.map((p) => p.labelled)).toEqual([8, 12]);
      expect(curve.every((p) => p.trials === 2 && p.mean > 0 && p.low! <= p.mean && p.high! >= p.mean)).toBe(
        true,
      );
    }
    // Paired: stage 0 trains on the same seed set with the same seed, whatever the sampler, so its gap is exactly 0.
    expect(result.gaps.coreset![0]).toMatchObject({ labelled: 8, n: 2, mean: 0, low: 0, high: 0, p: 1 });
    expect(result.gaps.coreset).toHaveLength(2);
    expect(result.recommendation?.sentence).toMatch(/^Use (random|coreset)/);
    // Every pick's labelled joints are either kept (suggestion within 10 px) or moved: 21 hand joints × 4 picks.
    for (const cost of Object.values(result.cost.bySampler)) {
      expect(cost.stages).toHaveLength(1);
      expect(cost.stages[0]!.kept + cost.stages[0]!.moved).toBe(4 * 21);
      expect(cost.stages[0]!.seconds).toBeCloseTo(cost.stages[0]!.moved * 3, 9);
    }
    expect(result.cost.source).toMatch(/^default/);
    expect(read(join(out, 'results.csv')).trim().split('\n')).toHaveLength(1 + 2 * 2 * 2);
    const svg = read(join(out, 'curves.svg'));
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    expect(svg).toContain('>coreset</text>');
    expect(read(join(out, 'gaps.svg'))).toContain('stroke-dasharray');
    expect(read(join(out, 'tables.md'))).toMatch(
      /\n\| random \| \d+\.\d ± \d+\.\d \| \d+\.\d ± \d+\.\d \|\n/,
    );
    expect(existsSync(join(out, 'models'))).toBe(false);
    // The project itself is untouched: no rounds, no checkpoints, no revealed labels.
    const info = await app.call('project.info', { project }, lead);
    expect(info.rounds).toEqual([]);
  }, 300_000);

  it('continues a cancelled run to the very same results file', async () => {
    const resumed = join(tmp.dir, 'resumed');
    const controller = new AbortController();
    const cells = 2 * 2 * 2;
    await expect(
      app.call(
        'experiment.simulate',
        { ...settings, out: resumed },
        {
          ...lead,
          signal: controller.signal,
          // Cancel once the fourth cell has started: three are saved, the fourth is lost.
          onProgress: (p) => {
            if (p.fraction > 3 / cells) controller.abort();
          },
        },
      ),
    ).rejects.toThrow(/cancelled/);
    const partial = JSON.parse(read(join(resumed, 'results.json'))) as { results: unknown[] };
    expect(partial.results).toHaveLength(3);
    // Trial 0's shared first-stage model, which coreset's stage 2 fine-tunes, is gone: it is trained again, identically.
    rmSync(join(resumed, 'models', 'start-0'), { recursive: true });
    await app.call('experiment.simulate', { ...settings, out: resumed }, lead);
    expect(read(join(resumed, 'results.json'))).toBe(read(join(out, 'results.json')));
  }, 300_000);

  it('runs trials at once with jobs, to the very same results file', async () => {
    const parallel = join(tmp.dir, 'parallel');
    await app.call('experiment.simulate', { ...settings, out: parallel, jobs: 2 }, lead);
    expect(read(join(parallel, 'results.json'))).toBe(read(join(out, 'results.json')));
  }, 300_000);

  it('refuses other settings in the same folder, naming them', async () => {
    await expect(app.call('experiment.simulate', { ...settings, budget: 5 }, lead)).rejects.toThrow(
      /other settings \(budget 4 there, 5 here\)/,
    );
  });

  it('writes a report folder from a results file, with the results and run time beside it', async () => {
    const report = join(tmp.dir, 'report');
    const summary = await app.call(
      'experiment.report',
      { results: join(out, 'results.json'), out: report },
      lead,
    );
    expect(summary.files.map((f) => f.slice(report.length + 1)).sort()).toEqual([
      'curves.svg',
      'gaps.svg',
      'results.csv',
      'results.json',
      'run-time.json',
      'summary.json',
      'tables.md',
    ]);
    expect(read(join(report, 'results.json'))).toBe(read(join(out, 'results.json')));
    // The run time travels with the results, so a report rebuilt from the copy still says it.
    expect(read(join(report, 'run-time.json'))).toBe(read(join(out, 'run-time.json')));
    expect(read(join(report, 'tables.md'))).toContain('Run time:');
    await expect(
      app.call('experiment.report', { results: join(report, 'tables.md'), out: report }, lead),
    ).rejects.toThrow(/tables\.md: not a readable JSON file/);
  });

  it('recommends a sampler from the project’s own labelled set and keeps the recommendation', async () => {
    expect(await app.call('experiment.recommendation', { project }, lead)).toBeNull();
    const result = await app.call('experiment.simulate', { project, ...TINY_RECOMMEND }, lead);
    // Only the labelled set is drawn from (the pool's hidden labels stay hidden): budget = seed set = L / (2 × 2 stages).
    const { samples } = await app.call('project.info', { project }, lead);
    const budget = Math.floor(samples.labelled / 4);
    expect(result.curves.random!.map((p) => p.labelled)).toEqual([budget, 2 * budget]);
    expect(result.out).toContain(join(project, 'experiments', 'recommend-'));
    const kept = await app.call('experiment.recommendation', { project }, lead);
    expect(kept?.labelled).toBe(samples.labelled);
    expect(kept?.summary.recommendation?.sentence).toBe(result.recommendation?.sentence);
  }, 300_000);
});
